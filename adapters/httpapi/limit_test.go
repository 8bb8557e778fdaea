package httpapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/internal/testkit"
)

// MustTaskLimitServer is MustServer with a task limit of max per user.
func MustTaskLimitServer(t *testing.T, max int) *Server {
	t.Helper()
	repo := &faultyRepo{TaskRepository: memory.NewTaskRepository()}
	svc := app.NewTaskService(repo, &stepClock{next: start}, system.IDs{}, app.MaxTasks(max))
	logs := &testkit.Buffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := httpapi.Config{AllowedOrigins: []string{allowedOrigin}}
	return &Server{h: httpapi.New(cfg, svc, tokens{}, repo, logger), repo: repo, logs: logs}
}

// MustTaskLimit checks the task limit's refusal: a 422 problem of type
// /problems/task-limit, without "errors", whose detail names the limit.
func MustTaskLimit(t *testing.T, r Resp, limit string) {
	t.Helper()
	MustStatus(t, r, http.StatusUnprocessableEntity)
	MustContentType(t, r, "application/problem+json")
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("problem %s: %v", r.Body, err)
	}
	if keys := sortedKeys(m); !slices.Equal(keys, []string{"detail", "status", "title", "type"}) {
		t.Fatalf("problem keys = %v, want no errors; body %s", keys, r.Body)
	}
	var p problemJSON
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("problem %s: %v", r.Body, err)
	}
	if p.Type != "/problems/task-limit" || !strings.HasSuffix(p.Type, "/task-limit") || p.Status != 422 ||
		p.Title != "Unprocessable Entity" || !strings.Contains(p.Detail, " "+limit+" ") {
		t.Fatalf("problem %s: want type /problems/task-limit, status 422 and a detail naming %s", r.Body, limit)
	}
}

// A create past the limit is the limit's 422, on both route families;
// deleting a task makes room; restoring one at the limit is refused the
// same way and leaves it in the trash.
func TestTaskLimit(t *testing.T) {
	t.Parallel()
	s := MustTaskLimitServer(t, 2)
	user := NewUser()
	first := MustCreate(t, s, shortPaths, user, `{"title":"one"}`)
	MustCreate(t, s, tasksPaths, user, `{"title":"two"}`)
	for _, f := range families {
		r := s.MustDo(t, Req{Method: "POST", Path: f.Collection(user), Token: Token(user), Body: `{"title":"three"}`})
		MustTaskLimit(t, r, "2")
	}
	if got := len(MustTasks(t, s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user), Token: Token(user)}))); got != 2 {
		t.Fatalf("%d tasks after refused creates, want 2", got)
	}
	MustCreate(t, s, shortPaths, NewUser(), `{"title":"another user's"}`)

	MustStatus(t, s.MustDo(t, Req{Method: "DELETE", Path: shortPaths.Item(user, first.ID), Token: Token(user)}), http.StatusNoContent)
	MustCreate(t, s, tasksPaths, user, `{"title":"in the freed slot"}`)
	MustTaskLimit(t, s.MustDo(t, Req{Method: "POST", Path: restorePath(user, first.ID), Token: Token(user)}), "2")
	if trash, _ := MustTrash(t, s, user, trashPath(user)); len(trash) != 1 || trash[0].ID != first.ID {
		t.Fatalf("the trash after a refused restore = %+v, want the task", trash)
	}
}

// A keyed create refused by the limit stores nothing under its key: sent
// again at the limit it is refused again, not replayed; sent again once
// there is room, it creates the task.
func TestTaskLimitIdempotencyKey(t *testing.T) {
	t.Parallel()
	s := MustTaskLimitServer(t, 1)
	user := NewUser()
	first := MustCreate(t, s, shortPaths, user, `{"title":"one"}`)
	keyed := Req{Method: "POST", Path: shortPaths.Collection(user), Token: Token(user), Body: `{"title":"two"}`,
		Header: map[string]string{"Idempotency-Key": "limit-key"}}
	for range 2 {
		r := s.MustDo(t, keyed)
		MustTaskLimit(t, r, "1")
		if got := r.Header.Get("Idempotent-Replayed"); got != "" {
			t.Fatalf("a refused create: Idempotent-Replayed %q", got)
		}
	}
	MustStatus(t, s.MustDo(t, Req{Method: "DELETE", Path: shortPaths.Item(user, first.ID), Token: Token(user)}), http.StatusNoContent)
	r := s.MustDo(t, keyed)
	if tk := MustTask(t, r, http.StatusCreated); tk.Title != "two" || r.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("the retry with room: %d %s (replayed %q), want the task created", r.Status, r.Body, r.Header.Get("Idempotent-Replayed"))
	}
	again := s.MustDo(t, keyed)
	MustReplay(t, r, again)
}
