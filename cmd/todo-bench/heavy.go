package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// The list scenarios read the lists of heavy users, each with
// --heavy-tasks sample tasks (10,000, the per-user limit, by default),
// with filters, a search, another sort and a later page, at a page size of
// 50, beside the plain LIST of the same run. With --large the heavy users'
// rows sit in the table of a million.

// listPageSize is the page every scenario asks for.
const listPageSize = 50

// scenario is one list scenario: its request's query and the same list as
// the store's query.
type scenario struct {
	op    string
	query string     // the request's query string, without limit
	q     task.Query // the same for the store (Limit is added)
	pages int        // pages to follow by their Link first: 2 for the third page
}

var scenarios = []scenario{
	{op: "list-filter", query: "status=pending&priority=high",
		q: task.Query{Status: task.StatusPending, Priorities: []task.Priority{task.PriorityHigh}}},
	{op: "list-tag", query: "tag=" + scenarioTag, q: task.Query{Tags: []string{scenarioTag}}},
	{op: "list-search", query: "search=" + scenarioWord, q: task.Query{Search: scenarioWord}},
	{op: "list-due", query: "sort=due_date", q: task.Query{Sort: task.SortDueDate}},
	{op: "list-page3", pages: 2},
}

func scenarioOf(op string) (scenario, bool) {
	for _, s := range scenarios {
		if s.op == op {
			s.q.Limit = listPageSize
			return s, true
		}
	}
	return scenario{}, false
}

// heavyUser is a user with many tasks: the request of each scenario (the
// path and query; for a later page, the Link followed) and the store's
// query (for a later page, with the position of the page's start).
type heavyUser struct {
	*user
	paths   map[string]string
	queries map[string]task.Query
}

// wantsHeavy reports whether a list scenario is to run.
func (o options) wantsHeavy() bool {
	for _, op := range o.ops {
		if _, ok := scenarioOf(op); ok {
			return true
		}
	}
	return false
}

// seedHeavy creates the heavy users' tasks through the store's repository
// (as --large does: the API would date them all now), in transactions of a
// thousand, created over the last year, and resolves each scenario's
// request by following the Link headers of the real server.
func (b *bench) seedHeavy(ctx context.Context) error {
	if b.store.dialect == "" {
		return errNoDB
	}
	start := time.Now()
	b.logf("loading %d heavy users x %d tasks through the store's repository", b.o.heavyUsers, b.o.heavyTasks)
	db, err := sqlstore.Open(b.store.databaseURL, sqlstore.Options{MaxOpenConns: 2})
	if err != nil {
		return err
	}
	defer db.Close()
	repo := sqlstore.NewTaskRepository(db)
	now := time.Now().UTC()
	for i := range b.o.heavyUsers {
		u, err := newUser(b.secret, 0)
		if err != nil {
			return err
		}
		s := newSampler(uint64(1_000_000+i), now)
		owner := identity.UserID(u.id)
		step := 365 * 24 * time.Hour / time.Duration(b.o.heavyTasks)
		for from := 0; from < b.o.heavyTasks; from += 1000 {
			err := repo.Atomic(ctx, owner, func(tx ports.TaskTx) error {
				for k := from; k < min(from+1000, b.o.heavyTasks); k++ {
					at := now.Add(-365*24*time.Hour + time.Duration(k)*step)
					t, err := task.New(system.IDs{}.NewID(), owner, s.draft(), at)
					if err != nil {
						return err
					}
					if err := tx.Create(ctx, t, 0); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("heavy user: %w", err)
			}
		}
		h := &heavyUser{user: u, paths: map[string]string{}, queries: map[string]task.Query{}}
		if err := b.resolveScenarios(ctx, repo, h); err != nil {
			return err
		}
		b.heavy = append(b.heavy, h)
	}
	if b.store.dialect == sqlstore.Postgres {
		if err := b.vacuum(ctx); err != nil {
			return err
		}
	}
	b.logf("loaded the heavy users in %s", time.Since(start).Round(time.Millisecond))
	return nil
}

// resolveScenarios finds each scenario's request, and for a later page
// follows the server's Link the number of times it says, and the same
// pages through the store for the DB ceiling. It also counts how many of
// the user's tasks each scenario's filters select.
func (b *bench) resolveScenarios(ctx context.Context, repo *sqlstore.TaskRepository, h *heavyUser) error {
	owner := identity.UserID(h.id)
	for _, op := range b.o.ops {
		s, ok := scenarioOf(op)
		if !ok {
			continue
		}
		path := "/api/" + h.id + "?limit=" + strconv.Itoa(listPageSize)
		if s.query != "" {
			path += "&" + s.query
		}
		q := s.q
		for range s.pages {
			next, err := b.nextLink(ctx, h.user, path)
			if err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
			path = next
			page, err := repo.List(ctx, owner, q)
			if err != nil {
				return err
			}
			if page.Next == nil {
				return fmt.Errorf("%s: the store's list has no next page", op)
			}
			q.After = page.Next
		}
		h.paths[op], h.queries[op] = path, q
		counted := s.q
		counted.Limit, counted.Count = 1, true
		page, err := repo.List(ctx, owner, counted)
		if err != nil {
			return err
		}
		b.matches[op] += page.Total
	}
	return nil
}

// nextLink gets path as u and returns the path and query of its Link to
// the next page.
func (b *bench) nextLink(ctx context.Context, u *user, path string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+path, nil)
	if err != nil {
		return "", err
	}
	req.Header = u.auth
	resp, err := b.client.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
	}
	link := resp.Header.Get("Link")
	start, end := strings.IndexByte(link, '<'), strings.IndexByte(link, '>')
	if start < 0 || end < start || !strings.Contains(link[end:], `rel="next"`) {
		return "", fmt.Errorf("GET %s: no Link to a next page (%q)", path, link)
	}
	next, err := url.Parse(link[start+1 : end])
	if err != nil {
		return "", err
	}
	return next.RequestURI(), nil
}

func (b *bench) pickHeavy(w *worker) *heavyUser { return b.heavy[w.rng.IntN(len(b.heavy))] }
