package task

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/todoapi/todo/core/apperr"
)

// Limits on a task's tags: the length of one tag in Unicode code points, and
// how many distinct tags a task holds.
const (
	MaxTagLength = 50
	MaxTags      = 20
)

// NormalizeTags returns the tags a task keeps from the tags a caller sent:
// each trimmed; duplicates, compared case-insensitively (see FoldCase),
// collapsed to their first spelling; order kept. A nil slice (JSON null)
// gives an empty, non-nil slice.
//
// Each tag must be 1 to MaxTagLength code points after trimming and follow
// the text rules (valid UTF-8, no control character). EINVALID names the
// field "tags" once for each broken tag, with its zero-based index in the
// input in the message ("tags[3] must not be empty"), and once more when more
// than MaxTags distinct tags remain ("must have at most 20 distinct tags").
func NormalizeTags(tags []string) ([]string, error) {
	out := make([]string, 0, min(len(tags), MaxTags))
	seen := make(map[string]bool, len(tags))
	var fields []apperr.FieldError
	for i, raw := range tags {
		tag := strings.TrimSpace(raw)
		if problem := tagProblem(tag); problem != "" {
			fields = append(fields, apperr.FieldError{
				Field: "tags", Message: "tags[" + strconv.Itoa(i) + "] " + problem,
			})
			continue
		}
		if key := FoldCase(tag); !seen[key] {
			seen[key] = true
			out = append(out, tag)
		}
	}
	if len(out) > MaxTags {
		fields = append(fields, apperr.FieldError{Field: "tags", Message: tooManyTags})
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields...)
	}
	return out, nil
}

var tooManyTags = "must have at most " + strconv.Itoa(MaxTags) + " distinct tags"

// tagProblem returns the message of the first rule a trimmed tag breaks, or
// "" when it keeps them all.
func tagProblem(tag string) string {
	if tag == "" {
		return msgEmpty
	}
	if problem := textProblem(tag, false); problem != "" {
		return problem
	}
	if utf8.RuneCountInString(tag) > MaxTagLength {
		return atMost(MaxTagLength)
	}
	return ""
}

// FoldCase returns the form under which two strings compare equal
// case-insensitively: FoldCase(a) == FoldCase(b) exactly when
// strings.EqualFold(a, b), for valid UTF-8. It maps each code point to one
// member of its simple case folding orbit, in lower case where it can, so
// "Work", "WORK" and "work" all give "work" and the Kelvin sign gives
// "k". Stores can keep it beside a tag to filter by tag without a database's
// own, differing idea of case.
func FoldCase(s string) string {
	return strings.Map(foldRune, s)
}

// foldRune returns the same member of r's simple case folding orbit for
// every member: the lower case of the orbit's smallest member when that is
// in the orbit (it is not for U+0130, whose lower case "i" folds with "I"
// only), else the smallest member.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return lowerASCII(r)
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	lower := unicode.ToLower(least)
	for f := unicode.SimpleFold(least); f != least; f = unicode.SimpleFold(f) {
		if f == lower {
			return lower
		}
	}
	return least
}
