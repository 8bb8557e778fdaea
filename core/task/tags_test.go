package task_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/task"
)

// numbered returns n distinct tags "t0", "t1", ...
func numbered(n int) []string {
	tags := make([]string, n)
	for i := range tags {
		tags[i] = fmt.Sprintf("t%d", i)
	}
	return tags
}

func TestNormalizeTags(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    []string
		wantMsg []string // the messages on "tags"; nil means valid
	}{
		{"Nil", nil, []string{}, nil},
		{"Empty", []string{}, []string{}, nil},
		{"OK", []string{"work", "home"}, []string{"work", "home"}, nil},
		{"Trimmed", []string{"  work\t", "\nhome "}, []string{"work", "home"}, nil},
		{"OrderKept", []string{"b", "a", "c"}, []string{"b", "a", "c"}, nil},
		{"DuplicatesKeepFirstSpelling", []string{"Work", "home", "WORK", " work "}, []string{"Work", "home"}, nil},
		{"UnicodeCaseFolds", []string{"Ärger", "ärger", "ÄRGER"}, []string{"Ärger"}, nil},
		{"KelvinSignIsK", []string{"kg", "\u212Ag"}, []string{"kg"}, nil},
		{"SharpSNotSS", []string{"straße", "STRASSE"}, []string{"straße", "STRASSE"}, nil},
		{"MaxLength", []string{strings.Repeat("😀", 50)}, []string{strings.Repeat("😀", 50)}, nil},
		{"MaxTags", numbered(20), numbered(20), nil},
		{"MaxTagsAfterCollapse", append(numbered(20), "T0", "t19"), numbered(20), nil},
		{"DELAllowed", []string{"a\x7f"}, []string{"a\x7f"}, nil},
		{"ErrEmpty", []string{"a", ""}, nil, []string{"tags[1] must not be empty"}},
		{"ErrBlank", []string{" \t "}, nil, []string{"tags[0] must not be empty"}},
		{"ErrTooLong", []string{strings.Repeat("é", 51)}, nil, []string{"tags[0] must be at most 50 characters"}},
		{"ErrNUL", []string{"ok", "a\x00b"}, nil, []string{"tags[1] must not contain control characters"}},
		{"ErrTabInside", []string{"a\tb"}, nil, []string{"tags[0] must not contain control characters"}},
		{"ErrInvalidUTF8", []string{"\xff"}, nil, []string{"tags[0] must be valid UTF-8"}},
		{"ErrTooMany", numbered(21), nil, []string{"must have at most 20 distinct tags"}},
		{"ErrEach", []string{"", "ok", "\x01", "ok"}, nil, []string{"tags[0] must not be empty", "tags[2] must not contain control characters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := task.NormalizeTags(tt.in)
			if tt.wantMsg != nil {
				if apperr.CodeOf(err) != apperr.EINVALID {
					t.Fatalf("err = %v, want EINVALID", err)
				}
				var msgs []string
				for _, f := range apperr.FieldsOf(err) {
					if f.Field != "tags" {
						t.Errorf("field %q, want tags", f.Field)
					}
					msgs = append(msgs, f.Message)
				}
				if !slices.Equal(msgs, tt.wantMsg) {
					t.Fatalf("messages = %q, want %q", msgs, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("NormalizeTags: %v", err)
			}
			if got == nil || !slices.Equal(got, tt.want) {
				t.Fatalf("tags = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestNormalizeTagsDoesNotChangeItsInput(t *testing.T) {
	in := []string{" a ", "A"}
	if _, err := task.NormalizeTags(in); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(in, []string{" a ", "A"}) {
		t.Fatalf("input changed: %q", in)
	}
}

func TestFoldCase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Work", "work"},
		{"WORK work", "work work"},
		{"ÄRGER", "ärger"},
		{"\u212A", "k"}, // Kelvin sign
		{"\u017F", "s"}, // long s
		{"ΣΑΣ", "σασ"},  // final and medial sigma fold together
		{"ς", "σ"},
		{"İ", "İ"}, // dotted capital I folds to nothing else, so not to "i"
		{"1-2_3", "1-2_3"},
	}
	for _, tt := range tests {
		if got := task.FoldCase(tt.in); got != tt.want {
			t.Errorf("FoldCase(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FoldCase(a) == FoldCase(b) must hold exactly when strings.EqualFold(a, b):
// every member of a folding orbit maps to the same rune, and that rune is a
// member of the orbit, so two orbits never share it.
func TestFoldCaseAgreesWithEqualFold(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if 0xD800 <= r && r <= 0xDFFF {
			continue
		}
		s := string(r)
		f := task.FoldCase(s)
		if !strings.EqualFold(s, f) {
			t.Fatalf("FoldCase(%U) = %q, which EqualFold says differs", r, f)
		}
		for o := unicode.SimpleFold(r); o != r; o = unicode.SimpleFold(o) {
			if g := task.FoldCase(string(o)); g != f {
				t.Fatalf("FoldCase(%U) = %q but FoldCase(%U) = %q", r, f, o, g)
			}
		}
	}
}
