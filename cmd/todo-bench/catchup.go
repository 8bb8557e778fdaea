package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// The feed catch-up scenario (--catchup N): a client that has been away
// reads N changes of one user, a page of --catchup-page at a time, one
// request after the other as a syncing client does, from the start of the
// feed. The changes are made first: through the store's repository, as
// the use case makes a create (the task and its change), a thousand to a
// transaction, or through the API when the benchmark has no database of
// its own (--target alone). One user's writes queue for its feed's head,
// so the API would take minutes to make them. The read runs catchupRuns
// times; the report gives each run's time and the pages' latencies over
// all runs.

const catchupRuns = 3

// catchupReport is the scenario's result.
type catchupReport struct {
	Changes   int       `json:"changes"`
	PageSize  int       `json:"page_size"`
	SeedSecs  float64   `json:"seed_seconds"`
	RunsSecs  []float64 `json:"runs_seconds"`
	Rate      float64   `json:"changes_per_second"` // of the median run
	PageP50ms float64   `json:"page_p50_ms"`
	PageP99ms float64   `json:"page_p99_ms"`
	PageMaxms float64   `json:"page_max_ms"`
	PageBytes float64   `json:"page_mean_bytes"`
}

// catchup runs the scenario.
func (b *bench) catchup(ctx context.Context) (*catchupReport, error) {
	n, size := b.o.catchup, b.o.catchupPage
	u, err := newUser(b.secret, 0)
	if err != nil {
		return nil, err
	}
	b.logf("catch-up: making %d changes of one user", n)
	start := time.Now()
	if err := b.makeChanges(ctx, u, n); err != nil {
		return nil, err
	}
	rep := &catchupReport{Changes: n, PageSize: size, SeedSecs: time.Since(start).Seconds()}
	var pages []time.Duration
	var bytes int64
	for run := range catchupRuns {
		b.logf("catch-up: reading them in pages of %d (run %d of %d)", size, run+1, catchupRuns)
		start := time.Now()
		got, p, m, err := b.readFeed(ctx, u, size)
		if err != nil {
			return nil, err
		}
		if got != n {
			return nil, fmt.Errorf("catch-up: read %d changes, made %d", got, n)
		}
		rep.RunsSecs = append(rep.RunsSecs, time.Since(start).Seconds())
		pages, bytes = append(pages, p...), bytes+m
	}
	median := slices.Clone(rep.RunsSecs)
	slices.Sort(median)
	rep.Rate = float64(n) / median[len(median)/2]
	slices.Sort(pages)
	at := func(q float64) float64 { return float64(pages[int(q*float64(len(pages)-1))].Microseconds()) / 1000 }
	rep.PageP50ms, rep.PageP99ms, rep.PageMaxms = at(0.5), at(0.99), at(1)
	rep.PageBytes = float64(bytes) / float64(len(pages))
	return rep, nil
}

// makeChanges makes n created changes of u.
func (b *bench) makeChanges(ctx context.Context, u *user, n int) error {
	if b.store.dialect == "" {
		return b.makeChangesThroughAPI(ctx, u, n)
	}
	db, err := sqlstore.Open(b.store.databaseURL, sqlstore.Options{MaxOpenConns: 2})
	if err != nil {
		return err
	}
	defer db.Close()
	repo, owner, now := sqlstore.NewTaskRepository(db), identity.UserID(u.id), time.Now()
	const batch = 1000
	for i := 0; i < n; i += batch {
		err := repo.Atomic(ctx, owner, func(tx ports.TaskTx) error {
			for j := i; j < min(i+batch, n); j++ {
				t, err := task.New(system.IDs{}.NewID(), owner, task.Draft{Title: fmt.Sprintf("Change %d", j),
					Plan: task.Plan{Tags: []string{"sync"}}}, now)
				if err != nil {
					return err
				}
				if err := tx.Create(ctx, t, 0); err != nil {
					return err
				}
				if err := tx.Record(ctx, task.Created(t)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// makeChangesThroughAPI creates n tasks of u, --conns at a time.
func (b *bench) makeChangesThroughAPI(ctx context.Context, u *user, n int) error {
	jobs := make(chan int)
	errs := make(chan error, b.o.conns)
	var wg sync.WaitGroup
	for range b.o.conns {
		wg.Go(func() {
			for i := range jobs {
				body := fmt.Sprintf(`{"title":"Change %d","description":"made for the catch-up","tags":["sync"]}`, i)
				if _, _, err := b.do(ctx, http.MethodPost, "/api/"+u.id, body, u.authJSON, http.StatusCreated); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	var err error
feed:
	for i := range n {
		select {
		case jobs <- i:
		case err = <-errs:
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err == nil && len(errs) > 0 {
		err = <-errs
	}
	return err
}

// readFeed reads u's whole feed from the start in pages of size: how many
// changes, each page's time, and the bytes read.
func (b *bench) readFeed(ctx context.Context, u *user, size int) (int, []time.Duration, int64, error) {
	var pages []time.Duration
	var bytes int64
	got, since := 0, ""
	for {
		start := time.Now()
		path := fmt.Sprintf("/api/%s/changes?limit=%d&since=%s", u.id, size, url.QueryEscape(since))
		body, m, err := b.do(ctx, http.MethodGet, path, "", u.auth, http.StatusOK)
		if err != nil {
			return got, pages, bytes, err
		}
		pages, bytes = append(pages, time.Since(start)), bytes+m
		var page struct {
			Changes []json.RawMessage `json:"changes"`
			Next    string            `json:"next"`
			HasMore bool              `json:"has_more"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return got, pages, bytes, fmt.Errorf("GET %s: %w", path, err)
		}
		got += len(page.Changes)
		if !page.HasMore {
			return got, pages, bytes, nil
		}
		since = page.Next
	}
}

// do sends one request through the benchmark's client and checks its
// status.
func (b *bench) do(ctx context.Context, method, path, body string, h http.Header, want int) ([]byte, int64, error) {
	var r io.Reader = http.NoBody
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, r)
	if err != nil {
		return nil, 0, err
	}
	req.Header = h
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != want {
		err = fmt.Errorf("%s %s: status %d, want %d: %.200s", method, path, resp.StatusCode, want, data)
	}
	return data, int64(len(data)), err
}
