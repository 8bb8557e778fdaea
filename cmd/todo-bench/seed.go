package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/todoapi/todo/core/task"
)

// user is a seeded user: its id, its requests' headers (holding a token
// the server accepts) and its tasks' ids, as the API shows them and
// parsed for the DB ceiling.
type user struct {
	id       string
	auth     http.Header // Authorization
	authJSON http.Header // Authorization and Content-Type: application/json
	tasks    []string
	ids      []task.ID
}

// tokenTTL outlasts any run; the server checks exp like any other token's.
const tokenTTL = 12 * time.Hour

// newUser mints an HS256 token for a fresh random user id, as a frontend
// signing with BETTER_AUTH_SECRET would.
func newUser(secret []byte, perUser int) (*user, error) {
	id := rand.Text()
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": id, "iat": now.Unix(), "exp": now.Add(tokenTTL).Unix(),
	}).SignedString(secret)
	if err != nil {
		return nil, err
	}
	bearer := []string{"Bearer " + tok}
	return &user{
		id:       id,
		auth:     http.Header{"Authorization": bearer},
		authJSON: http.Header{"Authorization": bearer, "Content-Type": {"application/json"}},
		tasks:    make([]string, perUser),
		ids:      make([]task.ID, perUser),
	}, nil
}

// seed creates the users and their tasks through the API, conns at a time.
func (b *bench) seed(ctx context.Context) error {
	start := time.Now()
	type job struct {
		u *user
		i int
	}
	jobs := make(chan job)
	var (
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range b.o.conns {
		wg.Go(func() {
			for j := range jobs {
				if err := b.createSeeded(ctx, j.u, j.i); err != nil {
					once.Do(func() { firstErr = err; cancel() })
				}
			}
		})
	}
	b.logf("seeding %d users x %d tasks through the API", b.o.users, b.o.perUser)
	err := b.feed(ctx, func(u *user, i int) bool {
		select {
		case jobs <- job{u, i}:
			return true
		case <-ctx.Done():
			return false
		}
	})
	close(jobs)
	wg.Wait()
	b.seedTime = time.Since(start)
	if firstErr != nil {
		return fmt.Errorf("seed: %w", firstErr)
	}
	return err
}

// feed makes the users and hands every (user, task index) to send.
func (b *bench) feed(ctx context.Context, send func(*user, int) bool) error {
	for range b.o.users {
		u, err := newUser(b.secret, b.o.perUser)
		if err != nil {
			return err
		}
		b.users = append(b.users, u)
		for i := range b.o.perUser {
			if !send(u, i) {
				return ctx.Err()
			}
		}
	}
	return nil
}

// createSeeded creates u's i-th task and records its id.
func (b *bench) createSeeded(ctx context.Context, u *user, i int) error {
	body := []byte(`{"title":"Seeded task ` + strconv.Itoa(i) + ` of ` + u.id + `"}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.base+"/api/"+u.id, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = u.authJSON
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST /api/{user}: status %d: %s", resp.StatusCode, data)
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(data, &created); err != nil || created.ID == "" {
		return fmt.Errorf("POST /api/{user}: no id in %s", data)
	}
	id, err := task.ParseID(created.ID)
	if err != nil {
		return fmt.Errorf("POST /api/{user}: id %q is not a UUID", created.ID)
	}
	u.tasks[i], u.ids[i] = created.ID, id
	return nil
}
