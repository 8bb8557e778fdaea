package porttest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/idempotency"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/internal/testkit"
	"github.com/todoapi/todo/ports"
)

// RandomKey returns an idempotency key no other test uses.
func RandomKey() string { return "key-" + rand.Text() }

// CreateOnce stores a new task of owner and, in the same transaction, the
// record of it under key, as the create use case does with a key. The
// record's response is the task's title, so tests can tell whose it is.
func CreateOnce(ctx context.Context, r ports.TaskRepository, owner identity.UserID, key, title string, at time.Time) (*task.Task, error) {
	tk, err := task.New(RandomID(), owner, task.Draft{Title: title}, at)
	if err != nil {
		return nil, err
	}
	err = r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if err := tx.ClaimKey(ctx, key); err != nil {
			return err
		}
		if err := tx.Create(ctx, tk, 0); err != nil {
			return err
		}
		return tx.SaveKey(ctx, idempotency.Record{Key: key, Fingerprint: "fp " + title, Response: []byte(title), CreatedAt: at.Truncate(task.Precision)})
	})
	return tk, err
}

// MustCreateOnce is CreateOnce that must succeed.
func MustCreateOnce(t *testing.T, r ports.TaskRepository, owner identity.UserID, key, title string, at time.Time) *task.Task {
	t.Helper()
	tk, err := CreateOnce(context.Background(), r, owner, key, title, at)
	if err != nil {
		t.Fatalf("create under key %s: %v", key, err)
	}
	return tk
}

// MustGetKey returns the record under the owner's key.
func MustGetKey(t *testing.T, r ports.TaskRepository, owner identity.UserID, key string) *idempotency.Record {
	t.Helper()
	rec, err := r.GetKey(context.Background(), owner, key)
	if err != nil {
		t.Fatalf("GetKey(%s): %v", key, err)
	}
	return rec
}

// testKeyRoundTrip stores a record with a write and reads it back as it
// was: the key, the fingerprint, the response byte for byte (any bytes),
// the time to the microsecond.
func testKeyRoundTrip(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner, key := RandomOwner(), RandomKey()
	response := append([]byte("201\n\"1\"\n{\"title\":\"é\"}\x00\xff"), bytes.Repeat([]byte("x"), 4000)...)
	tk, _ := task.New(RandomID(), owner, task.Draft{Title: "keyed"}, base)
	want := idempotency.Record{Key: key, Fingerprint: "sha256:0123abcd", Response: response, CreatedAt: base.Truncate(task.Precision)}
	err := r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if err := tx.ClaimKey(ctx, key); err != nil {
			return err
		}
		if err := tx.Create(ctx, tk, 0); err != nil {
			return err
		}
		return tx.SaveKey(ctx, want)
	})
	if err != nil {
		t.Fatalf("Atomic: %v", err)
	}
	got := MustGetKey(t, r, owner, key)
	if got.Key != want.Key || got.Fingerprint != want.Fingerprint || !bytes.Equal(got.Response, want.Response) ||
		!got.CreatedAt.Equal(want.CreatedAt) {
		t.Fatalf("record = %+v, want %+v", got, want)
	}
	if _, err := r.Get(ctx, owner, tk.ID()); err != nil {
		t.Fatalf("the task written with the record: %v", err)
	}
	// Keys are the owner's own.
	_, err = r.GetKey(ctx, RandomOwner(), key)
	assertCode(t, err, apperr.ENOTFOUND)
	_, err = r.GetKey(ctx, owner, RandomKey())
	assertCode(t, err, apperr.ENOTFOUND)
}

// testKeyTaken refuses a second record under a key, and the whole
// transaction that tried it with it; another owner's same key is free.
func testKeyTaken(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner, key := RandomOwner(), RandomKey()
	first := MustCreateOnce(t, r, owner, key, "first", base)
	second, err := CreateOnce(ctx, r, owner, key, "second", base)
	assertCode(t, err, apperr.ECONFLICT)
	_, err = r.Get(ctx, owner, second.ID())
	assertCode(t, err, apperr.ENOTFOUND)
	if rec := MustGetKey(t, r, owner, key); string(rec.Response) != "first" {
		t.Fatalf("record under the key = %q, want the first one's", rec.Response)
	}
	if _, err := r.Get(ctx, owner, first.ID()); err != nil {
		t.Fatalf("the first task: %v", err)
	}
	other := RandomOwner()
	MustCreateOnce(t, r, other, key, "another owner's", base)
	if rec := MustGetKey(t, r, other, key); string(rec.Response) != "another owner's" {
		t.Fatalf("the other owner's record = %q", rec.Response)
	}
}

// testKeyRolledBack stores no record when the transaction fails, so the key
// stays free for a retry.
func testKeyRolledBack(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner, key := RandomOwner(), RandomKey()
	boom := errors.New("boom")
	err := r.Atomic(ctx, owner, func(tx ports.TaskTx) error {
		if err := tx.ClaimKey(ctx, key); err != nil {
			return err
		}
		if err := tx.SaveKey(ctx, idempotency.Record{Key: key, Fingerprint: "fp", Response: []byte("lost"), CreatedAt: base}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Atomic = %v, want fn's error", err)
	}
	_, err = r.GetKey(ctx, owner, key)
	assertCode(t, err, apperr.ENOTFOUND)
	MustCreateOnce(t, r, owner, key, "retried", base)
	if rec := MustGetKey(t, r, owner, key); string(rec.Response) != "retried" {
		t.Fatalf("record = %q, want the retry's", rec.Response)
	}
}

// testKeyConcurrent runs many transactions with one key at once: exactly
// one commits its task and its record; each other one fails with
// ECONFLICT (the key held, or taken once it was not) and leaves nothing.
func testKeyConcurrent(t *testing.T, r ports.TaskRepository) {
	const n = 8
	ctx := context.Background()
	owner, key := RandomOwner(), RandomKey()
	errs := make([]error, n)
	testkit.AllAtOnce(n, func(i int) {
		_, errs[i] = CreateOnce(ctx, r, owner, key, "twin "+string(rune('a'+i)), base)
	})
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("twins %d and %d both stored under one key", winner, i)
		case err == nil:
			winner = i
		default:
			assertCode(t, err, apperr.ECONFLICT)
		}
	}
	if winner < 0 {
		t.Fatalf("no twin stored under the key: %v", errs)
	}
	list, err := ListAll(ctx, r, owner)
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %d tasks, %v; want the one effect", len(list), err)
	}
	if rec := MustGetKey(t, r, owner, key); string(rec.Response) != list[0].Title() {
		t.Fatalf("record %q beside task %q: not the same transaction's", rec.Response, list[0].Title())
	}
}

// testExpireKeys removes the records made before a time, whoever owns
// them, and keeps the later ones. Other tests may expire the same old
// records at the same time, so the count is not checked here.
func testExpireKeys(t *testing.T, r ports.TaskRepository) {
	ctx := context.Background()
	owner, old, young := RandomOwner(), RandomKey(), RandomKey()
	long := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	MustCreateOnce(t, r, owner, old, "old", long)
	MustCreateOnce(t, r, RandomOwner(), RandomKey(), "someone else's old", long)
	MustCreateOnce(t, r, owner, young, "young", base)
	if _, err := r.ExpireKeys(ctx, time.Date(2002, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatalf("ExpireKeys: %v", err)
	}
	_, err := r.GetKey(ctx, owner, old)
	assertCode(t, err, apperr.ENOTFOUND)
	MustGetKey(t, r, owner, young)
	MustCreateOnce(t, r, owner, old, "old key, new write", base)
}
