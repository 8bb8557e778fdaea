package httpapi_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/events"
	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/adapters/memory"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/idempotency"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports"
)

// allowedOrigin is the one origin every test server allows.
const allowedOrigin = "http://localhost:3000"

// secret appears in internal errors and panics; it must reach the log and
// never a response.
const secret = "s3cr3t-internal-detail"

// start is the first time the test clock tells; each reading moves it step
// on, so creation order is visible in created_at. The second reading,
// .124000, shows whether trailing zeros are kept.
var start = time.Date(2026, 11, 25, 19, 40, 0, 123456000, time.UTC)

const step = 544 * time.Microsecond

// Server is the real router and middleware over the memory repository,
// wrapped so a test can make the store fail, with its log captured.
type Server struct {
	h       http.Handler
	url     string // when set, requests go over the network to this base URL instead of h
	repo    *faultyRepo
	logs    *testkit.Buffer
	clock   *stepClock
	tickets *memory.EventTickets
	svc     *app.TaskService
	mem     *memory.TaskRepository // under repo: the housekeeping's store
}

// MustServer returns a fresh server; opts adjust its configuration.
func MustServer(t *testing.T, opts ...func(*httpapi.Config)) *Server {
	t.Helper()
	mem := memory.NewTaskRepository()
	repo := &faultyRepo{TaskRepository: mem}
	clock := &stepClock{next: start}
	// Writes go through the signalling decorator, as in the service, so
	// that live streams hear of them.
	hub := events.NewHub()
	signalling := events.NewRepository(repo, hub)
	svc := app.NewTaskService(signalling, clock, system.IDs{})
	tickets := memory.NewEventTickets()
	logs := &testkit.Buffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := httpapi.Config{AllowedOrigins: []string{allowedOrigin}, Events: app.NewEvents(signalling, hub, tickets, clock)}
	for _, opt := range opts {
		opt(&cfg)
	}
	// The streams that left their requests behind outlive the test's
	// httptest server, which no longer sees their connections: end them
	// with the test, as the service's stop does.
	if cfg.Drain == nil {
		cfg.Drain = new(httpapi.Drain)
	}
	t.Cleanup(func() {
		cfg.Drain.Begin()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := cfg.Drain.Wait(ctx); err != nil {
			t.Errorf("streams still open at the end: %v", err)
		}
	})
	return &Server{h: httpapi.New(cfg, svc, tokens{}, repo, logger), repo: repo, logs: logs, clock: clock, tickets: tickets, svc: svc, mem: mem}
}

// Req describes one request. Token, when set, is sent as a bearer token;
// Header may override it. BodyReader, when set, replaces Body, and Length
// then declares its Content-Length (else unknown).
type Req struct {
	Method, Path string
	Token        string
	Body         string
	Header       map[string]string
	BodyReader   io.Reader
	Length       int64
}

// Resp is what came back.
type Resp struct {
	Status int
	Header http.Header
	Body   []byte
}

// MustDo sends one request through the router. Every exchange of every test
// goes through here: it is where requests and responses can be checked
// against the OpenAPI document.
func (s *Server) MustDo(t *testing.T, r Req) Resp {
	t.Helper()
	var body io.Reader
	switch {
	case r.BodyReader != nil:
		body = r.BodyReader
	case r.Body != "":
		body = strings.NewReader(r.Body)
	}
	req := httptest.NewRequest(r.Method, r.Path, body)
	if r.Length != 0 {
		req.ContentLength = r.Length
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	var resp Resp
	if s.url != "" {
		resp = mustSend(t, req, s.url)
	} else {
		rec := httptest.NewRecorder()
		s.h.ServeHTTP(rec, req)
		resp = Resp{Status: rec.Code, Header: rec.Result().Header, Body: rec.Body.Bytes()}
	}
	checkOpenAPI(t, r, resp)
	return resp
}

// mustSend turns the server-side request into a client one to base.
func mustSend(t *testing.T, req *http.Request, base string) Resp {
	t.Helper()
	u, err := url.Parse(base + req.URL.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	req.URL, req.Host, req.RequestURI = u, u.Host, ""
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, u, err)
	}
	return Resp{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// tokens is the test's ports.TokenVerifier: "valid-<user id>" names that
// user, "unavailable" fails as a key set that cannot be fetched, anything
// else is refused ("weird" with a reason full of characters headers can't hold).
type tokens struct{}

func (tokens) Verify(_ context.Context, token string) (identity.Principal, error) {
	if uid, ok := strings.CutPrefix(token, "valid-"); ok && uid != "" {
		return identity.Principal{UserID: identity.UserID(uid)}, nil
	}
	// "expiring-<ms>-<user>" names the user for that many milliseconds more.
	if rest, ok := strings.CutPrefix(token, "expiring-"); ok {
		ms, uid, _ := strings.Cut(rest, "-")
		if d, err := time.ParseDuration(ms + "ms"); err == nil && uid != "" {
			return identity.Principal{UserID: identity.UserID(uid), Expires: time.Now().Add(d)}, nil
		}
	}
	if token == "weird" { // a reason that cannot go into a header as it is
		return identity.Principal{}, apperr.Errorf(apperr.EUNAUTHORIZED, "Key \"k1\" unknown.\n")
	}
	if token == "unavailable" {
		return identity.Principal{}, apperr.Errorf(apperr.EUNAVAILABLE, "The key set cannot be fetched.")
	}
	return identity.Principal{}, apperr.Errorf(apperr.EUNAUTHORIZED, "The token is not valid.")
}

// NewUser returns a user id no other test uses.
func NewUser() string { return "u" + rand.Text()[:12] }

// Token returns a token the test verifier accepts for user.
func Token(user string) string { return "valid-" + user }

// MustSeed stores n tasks for user straight into the repository, "seeded
// 0" the oldest: quicker than n requests when a test needs many.
func MustSeed(t *testing.T, s *Server, user string, n int) {
	t.Helper()
	err := s.repo.Atomic(context.Background(), identity.UserID(user), func(tx ports.TaskTx) error {
		for i := range n {
			tk, err := task.New(system.IDs{}.NewID(), identity.UserID(user), task.Draft{Title: fmt.Sprint("seeded ", i)},
				start.Add(-time.Duration(n-i)*time.Millisecond))
			if err != nil {
				return err
			}
			if err := tx.Create(context.Background(), tk, 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

type stepClock struct {
	mu   sync.Mutex
	next time.Time
}

// Advance moves the clock on by d.
func (c *stepClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next = c.next.Add(d)
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.next
	c.next = c.next.Add(step)
	return now
}

type fault int32

const (
	healthy     fault = iota
	unavailable       // the database cannot be reached
	conflicting       // a write collides
	broken            // an error without a code
	internal          // an EINTERNAL error whose message is not for callers
	panicking
	left    // the caller's context was cancelled: the store says ECANCELED
	keyHeld // another request holds every idempotency key
)

// faultyRepo is the memory repository, failing on demand.
type faultyRepo struct {
	ports.TaskRepository
	mode atomic.Int32
}

func (r *faultyRepo) Set(f fault) { r.mode.Store(int32(f)) }

func (r *faultyRepo) check() error {
	switch fault(r.mode.Load()) {
	case unavailable:
		return apperr.Wrap(apperr.EUNAVAILABLE, errors.New("dial tcp 127.0.0.1:5432: connect: connection refused "+secret), "The database is unavailable.")
	case conflicting:
		return apperr.Errorf(apperr.ECONFLICT, "A task with this id already exists.")
	case broken:
		return fmt.Errorf("relation %q does not exist", secret)
	case internal:
		return apperr.Errorf(apperr.EINTERNAL, "query failed: %s", secret)
	case panicking:
		panic("repository exploded: " + secret)
	case left:
		return apperr.Wrap(apperr.ECANCELED, context.Canceled, "The request was cancelled.")
	}
	return nil
}

func (r *faultyRepo) Get(ctx context.Context, o identity.UserID, id task.ID) (*task.Task, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	return r.TaskRepository.Get(ctx, o, id)
}

func (r *faultyRepo) List(ctx context.Context, o identity.UserID, q task.Query) (task.Page, error) {
	if err := r.check(); err != nil {
		return task.Page{}, err
	}
	return r.TaskRepository.List(ctx, o, q)
}

func (r *faultyRepo) ListTrash(ctx context.Context, o identity.UserID, q task.TrashQuery) (task.TrashPage, error) {
	if err := r.check(); err != nil {
		return task.TrashPage{}, err
	}
	return r.TaskRepository.ListTrash(ctx, o, q)
}

func (r *faultyRepo) Changes(ctx context.Context, o identity.UserID, after int64, limit int) (task.ChangePage, error) {
	if err := r.check(); err != nil {
		return task.ChangePage{}, err
	}
	return r.TaskRepository.Changes(ctx, o, after, limit)
}

func (r *faultyRepo) Atomic(ctx context.Context, o identity.UserID, fn func(ports.TaskTx) error) error {
	if fault(r.mode.Load()) == keyHeld {
		return r.TaskRepository.Atomic(ctx, o, func(tx ports.TaskTx) error { return fn(heldKeys{tx}) })
	}
	if err := r.check(); err != nil {
		return err
	}
	return r.TaskRepository.Atomic(ctx, o, fn)
}

// heldKeys is a transaction in which every key is another's.
type heldKeys struct{ ports.TaskTx }

func (heldKeys) ClaimKey(context.Context, string) error { return idempotency.ErrInFlight() }

// Ping implements ports.Pinger: down exactly when the store is unavailable.
func (r *faultyRepo) Ping(context.Context) error {
	if f := fault(r.mode.Load()); f == unavailable || f == left {
		return r.check()
	}
	return nil
}
