package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func str(s string) *string { return &s }

func equalPtr(a, b *string) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// TestPlanFields writes every v2 member, reads it back as the contract
// says, and clears it again.
func TestPlanFields(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, tasksPaths, user, `{"title":"Pay rent","priority":" High ","tags":[" home ","Home","work"],`+
		`"due_date":"2026-12-24","remind_at":"2026-12-24T09:00:00+01:00","recurrence":"Weekly"}`)
	if tk.Priority != "high" || !slices.Equal(tk.Tags, []string{"home", "work"}) || !equalPtr(tk.DueDate, str("2026-12-24")) ||
		!equalPtr(tk.RemindAt, str("2026-12-24T08:00:00.000000Z")) || tk.Recurrence != "weekly" || tk.Version != 1 {
		t.Fatalf("created %+v", tk)
	}
	patch := func(body string) taskJSON {
		t.Helper()
		return MustTask(t, s.MustDo(t, Req{Method: "PATCH", Path: tasksPaths.Item(user, tk.ID), Token: Token(user), Body: body}), http.StatusOK)
	}
	// A date-time reads back as the same instant in UTC with microseconds.
	got := patch(`{"due_date":"2026-12-24T17:00:00.5+01:00"}`)
	if !equalPtr(got.DueDate, str("2026-12-24T16:00:00.500000Z")) || got.Version != 2 || got.Priority != "high" {
		t.Fatalf("after a due date-time: %+v", got)
	}
	// Null means the default, or none.
	got = patch(`{"priority":null,"tags":null,"due_date":null,"remind_at":null,"recurrence":null}`)
	if got.Priority != "medium" || len(got.Tags) != 0 || got.DueDate != nil || got.RemindAt != nil || got.Recurrence != "none" || got.Version != 3 {
		t.Fatalf("after nulls: %+v", got)
	}
	// The same values again are no change: the version stays.
	if got = patch(`{"priority":"medium","tags":[]}`); got.Version != 3 {
		t.Fatalf("an unchanged write moved the version to %d", got.Version)
	}
	if got = patch(`{"priority":"critical"}`); got.Priority != "urgent" {
		t.Fatalf("critical read as %q, want urgent", got.Priority)
	}
	// completed_at follows completed.
	if got = patch(`{"completed":true}`); got.CompletedAt == nil || got.CompletedAt != nil && *got.CompletedAt != got.UpdatedAt {
		t.Fatalf("completed: completed_at %v, updated_at %s", got.CompletedAt, got.UpdatedAt)
	}
	if got = patch(`{"completed":false}`); got.CompletedAt != nil {
		t.Fatalf("reopened: completed_at %v", *got.CompletedAt)
	}
}

// TestPlanAliases: each other name of a member writes the member, and a
// 422 names the field as it was sent.
func TestPlanAliases(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a","due_at":"2026-12-24","reminder_at":"2026-12-20T10:00:00Z","recurrence_pattern":"MONTHLY"}`)
	if !equalPtr(tk.DueDate, str("2026-12-24")) || !equalPtr(tk.RemindAt, str("2026-12-20T10:00:00.000000Z")) || tk.Recurrence != "monthly" {
		t.Fatalf("created through aliases: %+v", tk)
	}
	item := shortPaths.Item(user, tk.ID)
	do := func(body string) Resp {
		return s.MustDo(t, Req{Method: "PUT", Path: item, Token: Token(user), Body: body})
	}
	if got := MustTask(t, do(`{"reminder_time":"2026-12-21T10:00:00Z","recurrence_rule":"FREQ=YEARLY"}`), http.StatusOK); !equalPtr(got.RemindAt, str("2026-12-21T10:00:00.000000Z")) || got.Recurrence != "yearly" {
		t.Fatalf("reminder_time and recurrence_rule: %+v", got)
	}
	if got := MustTask(t, do(`{"recurrence_rule":"rrule:freq=daily"}`), http.StatusOK); got.Recurrence != "daily" {
		t.Fatalf("a lower-case RRULE: %+v", got)
	}
	if got := MustTask(t, do(`{"recurrence_rule":null,"due_at":null}`), http.StatusOK); got.Recurrence != "none" || got.DueDate != nil {
		t.Fatalf("aliases set to null: %+v", got)
	}
	MustFields(t, do(`{"due_at":"24.12.2026"}`), "due_at")
	MustFields(t, do(`{"reminder_time":"2026-12-24"}`), "reminder_time")
	MustFields(t, do(`{"recurrence_pattern":"fortnightly"}`), "recurrence_pattern")
	MustFields(t, do(`{"recurrence_rule":"FREQ=WEEKLY;INTERVAL=2"}`), "recurrence_rule")
	MustFields(t, do(`{"recurrence_rule":"weekly"}`), "recurrence_rule")
}

// TestPlanTwoNames: a member sent under two names must say the same under
// both; then it is written once. Otherwise 422 naming the first name
// used, and nothing changes.
func TestPlanTwoNames(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, tasksPaths, user, `{"title":"a","due_date":"2026-12-24","due_at":"2026-12-24",`+
		`"recurrence":"weekly","recurrence_pattern":"weekly","recurrence_rule":"FREQ=WEEKLY"}`)
	if !equalPtr(tk.DueDate, str("2026-12-24")) || tk.Recurrence != "weekly" {
		t.Fatalf("agreeing names: %+v", tk)
	}
	item := tasksPaths.Item(user, tk.ID)
	do := func(body string) Resp {
		return s.MustDo(t, Req{Method: "PATCH", Path: item, Token: Token(user), Body: body})
	}
	if got := MustTask(t, do(`{"recurrence":null,"recurrence_rule":null}`), http.StatusOK); got.Recurrence != "none" {
		t.Fatalf("null under both names: %+v", got)
	}
	before := MustGet(t, s, user, tk.ID)
	for body, field := range map[string]string{
		`{"due_date":"2026-12-24","due_at":"2026-12-25"}`:                               "due_date",
		`{"due_date":null,"due_at":"2026-12-25"}`:                                       "due_date",
		`{"reminder_at":"2026-12-24T10:00:00Z","reminder_time":"2026-12-24T11:00:00Z"}`: "reminder_at",
		`{"recurrence":"daily","recurrence_rule":"FREQ=WEEKLY"}`:                        "recurrence",
		`{"recurrence_pattern":"daily","recurrence_rule":"FREQ=WEEKLY"}`:                "recurrence_pattern",
		`{"recurrence":"weekly","recurrence_pattern":"Weekly"}`:                         "recurrence",
		`{"recurrence":"weekly","recurrence_rule":"FREQ=WEEKLY;BYDAY=MO"}`:              "recurrence_rule",
	} {
		r := do(body)
		MustFields(t, r, field)
		if p := MustProblem(t, r, http.StatusUnprocessableEntity); !strings.Contains(p.Detail, field+": ") {
			t.Errorf("%s: detail %q", body, p.Detail)
		}
	}
	// A wrong JSON type is a 400 even when another member disagrees.
	MustProblem(t, do(`{"due_date":"2026-12-24","due_at":"2026-12-25","tags":"home"}`), http.StatusBadRequest)
	if after := MustGet(t, s, user, tk.ID); after != before {
		t.Fatalf("refused writes changed the task:\n%s\n%s", before, after)
	}
}

// TestPlanTypes: a value of the wrong JSON type is a 400 naming the member
// as sent; a value of the right type that breaks a rule is the core's 422.
func TestPlanTypes(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	for body, name := range map[string]string{
		`{"title":"a","priority":1}`:                 "priority",
		`{"title":"a","tags":"home"}`:                "tags",
		`{"title":"a","tags":["home",1]}`:            "tags",
		`{"title":"a","tags":[null]}`:                "tags",
		`{"title":"a","tags":{"home":true}}`:         "tags",
		`{"title":"a","due_date":20261224}`:          "due_date",
		`{"title":"a","due_at":true}`:                "due_at",
		`{"title":"a","remind_at":["x"]}`:            "remind_at",
		`{"title":"a","reminder_time":1}`:            "reminder_time",
		`{"title":"a","recurrence":false}`:           "recurrence",
		`{"title":"a","recurrence_rule":{"FREQ":1}}`: "recurrence_rule",
	} {
		p := MustProblem(t, s.MustDo(t, Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), Body: body}), http.StatusBadRequest)
		if !strings.Contains(p.Detail, `"`+name+`"`) {
			t.Errorf("%s: detail %q does not name %s", body, p.Detail, name)
		}
	}
	tags := make([]string, 21)
	for i := range tags {
		tags[i] = fmt.Sprintf(`"t%d"`, i)
	}
	for body, fields := range map[string][]string{
		`{"title":"a","priority":"top"}`:                                {"priority"},
		`{"title":"a","tags":[` + strings.Join(tags, ",") + `]}`:        {"tags"},
		`{"title":"a","tags":["ok","\u0000"]}`:                          {"tags"},
		`{"title":"a","tags":["` + strings.Repeat("x", 51) + `"]}`:      {"tags"},
		`{"title":"a","due_date":"2026-13-01"}`:                         {"due_date"},
		`{"title":"a","remind_at":"2026-12-24"}`:                        {"remind_at"},
		`{"title":"a","recurrence":"hourly"}`:                           {"recurrence"},
		`{"title":"","priority":"top","due_date":"x","recurrence":"x"}`: {"title", "priority", "due_date", "recurrence"},
	} {
		MustFields(t, s.MustDo(t, Req{Method: "POST", Path: tasksPaths.Collection(user), Token: Token(user), Body: body}), fields...)
	}
	// 20 distinct tags are fine, and so are 21 that collapse to 20.
	tk := MustCreate(t, s, tasksPaths, user, `{"title":"a","tags":[`+strings.Join(tags[:20], ",")+`,"T0"]}`)
	if len(tk.Tags) != 20 {
		t.Fatalf("%d tags, want 20", len(tk.Tags))
	}
}

// TestPlanReadOnly: completed_at, next_occurrence_id and version in a body
// are ignored.
func TestPlanReadOnly(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, shortPaths, user, `{"title":"a","completed_at":"2000-01-01T00:00:00Z",`+
		`"next_occurrence_id":"01a2145b-4e72-7c0f-8345-41e37133067a","version":42}`)
	if tk.CompletedAt != nil || tk.NextOccurrenceID != nil || tk.Version != 1 {
		t.Fatalf("read-only members took effect on create: %+v", tk)
	}
	before := MustGet(t, s, user, tk.ID)
	r := s.MustDo(t, Req{Method: "PATCH", Path: shortPaths.Item(user, tk.ID), Token: Token(user),
		Body: `{"completed_at":"2000-01-01T00:00:00Z","next_occurrence_id":null,"version":7}`})
	MustTask(t, r, http.StatusOK)
	if after := MustGet(t, s, user, tk.ID); after != before {
		t.Fatalf("read-only members changed the task:\n%s\n%s", before, after)
	}
}

// TestRecurrence: completing a recurring task makes its next occurrence,
// which next_occurrence_id names, once.
func TestRecurrence(t *testing.T) {
	t.Parallel()
	s, user := MustServer(t), NewUser()
	tk := MustCreate(t, s, tasksPaths, user, `{"title":"water the plants","due_date":"2026-01-31","recurrence_rule":"FREQ=MONTHLY","tags":["Home"]}`)
	done := MustTask(t, s.MustDo(t, Req{Method: "PATCH", Path: tasksPaths.Flip(user, tk.ID), Token: Token(user), Body: `{"completed":true}`}), http.StatusOK)
	if done.NextOccurrenceID == nil || done.CompletedAt == nil {
		t.Fatalf("completed: %+v", done)
	}
	next := MustTask(t, s.MustDo(t, Req{Method: "GET", Path: tasksPaths.Item(user, *done.NextOccurrenceID), Token: Token(user)}), http.StatusOK)
	if next.Completed || next.Title != "water the plants" || !equalPtr(next.DueDate, str("2026-02-28")) ||
		next.Recurrence != "monthly" || !slices.Equal(next.Tags, []string{"Home"}) || next.Version != 1 {
		t.Fatalf("next occurrence: %+v", next)
	}
	// Reopen and complete again: still the one occurrence.
	s.MustDo(t, Req{Method: "PATCH", Path: shortPaths.Flip(user, tk.ID), Token: Token(user)})
	again := MustTask(t, s.MustDo(t, Req{Method: "PATCH", Path: shortPaths.Flip(user, tk.ID), Token: Token(user)}), http.StatusOK)
	if !equalPtr(again.NextOccurrenceID, done.NextOccurrenceID) {
		t.Fatalf("completing again: next %v, want %v", again.NextOccurrenceID, *done.NextOccurrenceID)
	}
	if list := MustTasks(t, s.MustDo(t, Req{Method: "GET", Path: tasksPaths.Collection(user), Token: Token(user)})); len(list) != 2 {
		t.Fatalf("%d tasks, want the task and its one occurrence", len(list))
	}
}
