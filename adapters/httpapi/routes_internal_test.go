package httpapi

import (
	"slices"
	"testing"
)

// The paths of the table that another path's parameter would take over
// are the /tasks collection, the trash, the feed and the event stream, from the short item
// routes.
func TestRefusals(t *testing.T) {
	got := refusals((&server{}).routeTable())
	want := []refusal{
		{"/api/:user_id/tasks", []string{"PUT", "PATCH", "DELETE"}, "GET, POST"},
		{"/api/:user_id/trash", []string{"PUT", "PATCH", "DELETE"}, "GET"},
		{"/api/:user_id/changes", []string{"PUT", "PATCH", "DELETE"}, "GET"},
		{"/api/:user_id/events", []string{"PUT", "PATCH", "DELETE"}, "GET"},
	}
	if !slices.EqualFunc(got, want, func(a, b refusal) bool {
		return a.path == b.path && slices.Equal(a.methods, b.methods) && a.allow == b.allow
	}) {
		t.Fatalf("refusals = %+v, want %+v", got, want)
	}
	for _, c := range []struct {
		q, p string
		want bool
	}{
		{"/api/:user_id/:task_id", "/api/:user_id/tasks", true},
		{"/api/:user_id/:task_id", "/api/u1/tasks", true},
		{"/api/:user_id/:task_id", "/api/:user_id/", false}, // a parameter matches no empty segment
		{"/api/:user_id/tasks", "/api/:user_id/:task_id", false},
		{"/api/:user_id/:task_id/toggle", "/api/:user_id/tasks/:task_id", false},
		{"/api/:user_id/tasks", "/api/u1/tasks/", false},
	} {
		if got := takes(c.q, c.p); got != c.want {
			t.Errorf("takes(%q, %q) = %v, want %v", c.q, c.p, got, c.want)
		}
	}
}
