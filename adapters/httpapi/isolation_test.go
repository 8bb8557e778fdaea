package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestIsolation: two users, every route of both families, each in turn the
// attacker. Neither can read, change, delete or learn of the other's tasks:
// 403 on the other's path, 404 for the other's task id through one's own
// path, answered exactly as for an id that exists nowhere.
func TestIsolation(t *testing.T) {
	t.Parallel()
	s := MustServer(t)
	alice, bob := NewUser(), NewUser()
	tasks := map[string]string{
		alice: MustCreate(t, s, shortPaths, alice, `{"title":"alice's","description":"private"}`).ID,
		bob:   MustCreate(t, s, tasksPaths, bob, `{"title":"bob's"}`).ID,
	}
	const nowhere = "01a2145b-4e72-7c0f-8345-41e37133067a"
	const body = `{"title":"pwned","description":null,"completed":true}`

	for _, pair := range [][2]string{{alice, bob}, {bob, alice}} {
		attacker, victim := pair[0], pair[1]
		victimTask := tasks[victim]
		before := MustGet(t, s, victim, victimTask)
		beforeList := s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(victim), Token: Token(victim)}).Body

		// The victim's path, with the victim's task id and with one that exists nowhere.
		for _, id := range []string{victimTask, nowhere} {
			for _, r := range allRoutes(victim, id) {
				r.Token, r.Body = Token(attacker), body
				resp := s.MustDo(t, r)
				if p := MustProblem(t, resp, http.StatusForbidden); strings.Contains(string(resp.Body), victimTask) {
					t.Fatalf("%s %s: 403 mentions the task: %+v", r.Method, r.Path, p)
				}
			}
		}
		// The attacker's own path with the victim's task id: the same 404 as for no task at all.
		own, absent := allRoutes(attacker, victimTask)[4:], allRoutes(attacker, nowhere)[4:]
		for i, r := range own {
			r.Token, r.Body = Token(attacker), body
			resp := s.MustDo(t, r)
			MustProblem(t, resp, http.StatusNotFound)
			a := absent[i]
			a.Token, a.Body = Token(attacker), body
			if ref := s.MustDo(t, a); string(resp.Body) != string(ref.Body) {
				t.Fatalf("%s %s: %s differs from the answer for no task: %s", r.Method, r.Path, resp.Body, ref.Body)
			}
		}
		// The attacker's lists hold only the attacker's own task.
		for _, f := range families {
			for _, coll := range f.collections {
				r := s.MustDo(t, Req{Method: "GET", Path: strings.ReplaceAll(coll, "%s", attacker), Token: Token(attacker)})
				list := MustTasks(t, r)
				if len(list) != 1 || list[0].ID != tasks[attacker] || strings.Contains(string(r.Body), victimTask) {
					t.Fatalf("%s's list %s shows others' tasks: %s", attacker, coll, r.Body)
				}
			}
		}

		if after := MustGet(t, s, victim, victimTask); after != before {
			t.Fatalf("victim's task changed:\n%s\n%s", before, after)
		}
		afterList := s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(victim), Token: Token(victim)}).Body
		if string(afterList) != string(beforeList) {
			t.Fatalf("victim's list changed:\n%s\n%s", beforeList, afterList)
		}
	}
}
