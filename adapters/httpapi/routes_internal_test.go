package httpapi

import (
	"slices"
	"testing"
)

// The only path of the table that another path's parameter would take
// over is the /tasks collection, from the short item routes.
func TestRefusals(t *testing.T) {
	got := refusals((&server{}).routeTable())
	if len(got) != 1 || got[0].path != "/api/:user_id/tasks" || !slices.Equal(got[0].methods, []string{"PUT", "PATCH", "DELETE"}) || got[0].allow != "GET, POST" {
		t.Fatalf("refusals = %+v, want PUT, PATCH and DELETE refused on /api/:user_id/tasks, which allows GET, POST", got)
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
