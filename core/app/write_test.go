package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/internal/testkit"
)

// write is one write use case that acts on a task, with options.
type write func(s *app.TaskService, actor identity.Principal, owner identity.UserID, id string, opts ...app.WriteOption) (*task.Task, error)

var writes = map[string]write{
	"Update": func(s *app.TaskService, a identity.Principal, o identity.UserID, id string, opts ...app.WriteOption) (*task.Task, error) {
		return s.Update(context.Background(), a, o, id, task.Patch{Title: task.Set("changed")}, opts...)
	},
	"Toggle": func(s *app.TaskService, a identity.Principal, o identity.UserID, id string, opts ...app.WriteOption) (*task.Task, error) {
		return s.Toggle(context.Background(), a, o, id, opts...)
	},
	"SetCompleted": func(s *app.TaskService, a identity.Principal, o identity.UserID, id string, opts ...app.WriteOption) (*task.Task, error) {
		return s.SetCompleted(context.Background(), a, o, id, true, opts...)
	},
	"Delete": func(s *app.TaskService, a identity.Principal, o identity.UserID, id string, opts ...app.WriteOption) (*task.Task, error) {
		return nil, s.Delete(context.Background(), a, o, id, opts...)
	},
}

func ifMatch(v ...int64) app.WriteOption {
	return app.Require(task.Precondition{IfMatch: &task.Versions{List: v}})
}

// Every write checks its precondition on the task it read: a stale one
// changes nothing and answers EPRECONDITION with the current version; a
// current one, or any version, lets the write through; a task the caller
// may not see stays ENOTFOUND or EFORBIDDEN, whatever the precondition.
func TestWritePreconditions(t *testing.T) {
	for name, fn := range writes {
		t.Run(name, func(t *testing.T) {
			s, _ := MustService(t)
			tk := MustCreate(t, s, "alice's")
			id := tk.ID().String()

			_, err := fn(s, alice, "alice", id, ifMatch(2, 5))
			wantCode(t, err, apperr.EPRECONDITION)
			if pf := task.PreconditionFailedOf(err); pf == nil || pf.Version != 1 {
				t.Fatalf("the failure carries %+v, want the current version 1", pf)
			}
			_, err = fn(s, alice, "alice", id, app.Require(task.Precondition{IfNoneMatch: &task.Versions{Any: true}}))
			wantCode(t, err, apperr.EPRECONDITION)
			got, err := s.Get(context.Background(), alice, "alice", id)
			if err != nil || got.Version() != 1 || got.Title() != "alice's" || got.Completed() {
				t.Fatalf("a failed precondition changed the task: %+v, %v", got, err)
			}

			_, err = fn(s, alice, "alice", "0193b5c2-6a4e-7c1e-9f7a-2b1f0c9d8e7a", ifMatch(1))
			wantCode(t, err, apperr.ENOTFOUND)
			_, err = fn(s, bob, "alice", id, ifMatch(7))
			wantCode(t, err, apperr.EFORBIDDEN)
			_, err = fn(s, bob, "bob", id, ifMatch(7))
			wantCode(t, err, apperr.ENOTFOUND)

			if _, err := fn(s, alice, "alice", id, ifMatch(1)); err != nil {
				t.Fatalf("with the current version: %v", err)
			}
		})
		t.Run(name+"Any", func(t *testing.T) {
			s, _ := MustService(t)
			id := MustCreate(t, s, "alice's").ID().String()
			if _, err := fn(s, alice, "alice", id, app.Require(task.Precondition{IfMatch: &task.Versions{Any: true}})); err != nil {
				t.Fatalf("If-Match any: %v", err)
			}
		})
	}
}

// keyed returns an idempotent write under key, for a request with the
// fingerprint; its response is the task's title and version.
func keyed(key, fingerprint string) *app.Idempotency {
	return &app.Idempotency{Key: key, Fingerprint: fingerprint, Response: func(t *task.Task) []byte {
		if t == nil {
			return []byte("deleted")
		}
		return fmt.Appendf(nil, "%s v%d", t.Title(), t.Version())
	}}
}

func mustCount(t *testing.T, s *app.TaskService, want int) {
	t.Helper()
	page, err := s.List(context.Background(), alice, "alice", task.Query{})
	if err != nil || len(page.Tasks) != want {
		t.Fatalf("alice has %d tasks (%v), want %d", len(page.Tasks), err, want)
	}
}

// A create retried with its key and request gets the first response and
// makes no second task; the key with another request is EINVALID and
// makes none either; another user's same key is theirs.
func TestCreateOnce(t *testing.T) {
	ctx := context.Background()
	s, c := MustService(t)
	in := task.Draft{Title: "once"}.Patch()
	k := keyed("k1", "POST /api/alice {once}")
	first, err := s.Create(ctx, alice, "alice", in, app.Once(k))
	if err != nil || k.Replay != nil {
		t.Fatalf("first: %v, replay %q", err, k.Replay)
	}
	c.Advance(time.Minute)
	retry := keyed("k1", "POST /api/alice {once}")
	got, err := s.Create(ctx, alice, "alice", in, app.Once(retry))
	if err != nil || got != nil || string(retry.Replay) != "once v1" {
		t.Fatalf("retry: %v, %v, replay %q; want the first response", got, err, retry.Replay)
	}
	other := keyed("k1", "POST /api/alice {other}")
	_, err = s.Create(ctx, alice, "alice", task.Draft{Title: "other"}.Patch(), app.Once(other))
	wantCode(t, err, apperr.EINVALID)
	if f := apperr.FieldsOf(err); len(f) != 1 || f[0].Field != "Idempotency-Key" || other.Replay != nil {
		t.Fatalf("reused key: %v, fields %v, replay %q", err, f, other.Replay)
	}
	mustCount(t, s, 1)
	if _, err := s.Create(ctx, bob, "bob", in, app.Once(keyed("k1", "POST /api/bob {once}"))); err != nil {
		t.Fatalf("bob's k1: %v", err)
	}
	if got, _ := s.Get(ctx, alice, "alice", first.ID().String()); got == nil {
		t.Fatal("the first task is gone")
	}
}

// A delete retried after it succeeded replays its answer, though the task
// is gone now; a change retried after it succeeded replays the task as it
// was then, whatever changed since, and whatever its precondition says now.
func TestWriteOnceReplays(t *testing.T) {
	ctx := context.Background()
	s, _ := MustService(t)
	id := MustCreate(t, s, "t").ID().String()

	for i := range 2 {
		k := keyed("toggle", "PATCH toggle")
		if _, err := s.Toggle(ctx, alice, "alice", id, ifMatch(1), app.Once(k)); err != nil {
			t.Fatalf("toggle %d: %v", i, err)
		}
		if i == 1 && string(k.Replay) != "t v2" {
			t.Fatalf("the retried toggle: replay %q, want the first toggle's", k.Replay)
		}
	}
	got, _ := s.Get(ctx, alice, "alice", id)
	if got.Version() != 2 || !got.Completed() {
		t.Fatalf("after a toggle and its retry: version %d, completed %v; want one toggle", got.Version(), got.Completed())
	}

	for i := range 2 {
		k := keyed("delete", "DELETE t")
		if err := s.Delete(ctx, alice, "alice", id, app.Once(k)); err != nil {
			t.Fatalf("delete %d: %v", i, err)
		}
		if i == 1 && string(k.Replay) != "deleted" {
			t.Fatalf("the retried delete: replay %q, want the first answer", k.Replay)
		}
	}
}

// A write that fails stores nothing under its key: the key stays free, for
// the same request or another.
func TestWriteOnceFailureStoresNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := MustService(t)
	id := MustCreate(t, s, "t").ID().String()
	bad := keyed("k", "PATCH {title: null}")
	_, err := s.Update(ctx, alice, "alice", id, task.Patch{Title: task.Null[string]()}, app.Once(bad))
	wantCode(t, err, apperr.EINVALID)
	stale := keyed("k", "PATCH stale")
	_, err = s.Update(ctx, alice, "alice", id, task.Patch{Title: task.Set("x")}, ifMatch(9), app.Once(stale))
	wantCode(t, err, apperr.EPRECONDITION)
	_, err = s.Update(ctx, alice, "alice", "0193b5c2-6a4e-7c1e-9f7a-2b1f0c9d8e7a", task.Patch{}, app.Once(keyed("k", "PATCH missing")))
	wantCode(t, err, apperr.ENOTFOUND)
	good := keyed("k", "PATCH {title: good}")
	got, err := s.Update(ctx, alice, "alice", id, task.Patch{Title: task.Set("good")}, app.Once(good))
	if err != nil || good.Replay != nil || got.Title() != "good" {
		t.Fatalf("a new request under the free key: %v, %v, replay %q", got, err, good.Replay)
	}
}

// Many creates with one key at once make one task; each of them answers
// with that task's response, once fresh and otherwise replayed.
func TestCreateOnceConcurrently(t *testing.T) {
	const n = 16
	s, _ := MustService(t)
	keys := make([]*app.Idempotency, n)
	created := make([]*task.Task, n)
	errs := make([]error, n)
	testkit.AllAtOnce(n, func(i int) {
		keys[i] = keyed("same", "POST same")
		created[i], errs[i] = s.Create(context.Background(), alice, "alice", task.Draft{Title: "twin"}.Patch(), app.Once(keys[i]))
	})
	fresh := 0
	for i := range n {
		switch {
		case errs[i] != nil:
			t.Fatalf("twin %d: %v", i, errs[i])
		case keys[i].Replay == nil:
			fresh++
		case string(keys[i].Replay) != "twin v1":
			t.Fatalf("twin %d replayed %q", i, keys[i].Replay)
		}
	}
	if fresh != 1 {
		t.Fatalf("%d twins made the task, want 1", fresh)
	}
	mustCount(t, s, 1)
}

// Keys expire a TTL after they were used, and then make a new effect.
func TestExpireKeys(t *testing.T) {
	ctx := context.Background()
	s, c := MustService(t)
	in := task.Draft{Title: "daily"}.Patch()
	if _, err := s.Create(ctx, alice, "alice", in, app.Once(keyed("k", "POST"))); err != nil {
		t.Fatal(err)
	}
	c.Advance(24 * time.Hour)
	if n, err := s.ExpireKeys(ctx, 24*time.Hour); err != nil || n != 0 {
		t.Fatalf("ExpireKeys at the TTL = %d, %v; want 0", n, err)
	}
	c.Advance(time.Microsecond)
	if n, err := s.ExpireKeys(ctx, 24*time.Hour); err != nil || n != 1 {
		t.Fatalf("ExpireKeys past the TTL = %d, %v; want 1", n, err)
	}
	k := keyed("k", "POST")
	if _, err := s.Create(ctx, alice, "alice", in, app.Once(k)); err != nil || k.Replay != nil {
		t.Fatalf("the expired key again: %v, replay %q; want a new effect", err, k.Replay)
	}
	mustCount(t, s, 2)
}
