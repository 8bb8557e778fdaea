package main

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

// The large table of --large: background rows the benchmark never reads,
// which only make the table (and its indexes) big.
const (
	largeUsers   = 10_000
	largePerUser = 100
	// largeConns load the table side by side: enough to overlap one
	// transaction's round trip and commit with the next one's work.
	largeConns = 4
)

// largeTask returns the k-th background task: user k/largePerUser's, made
// as the server makes a task (a UUIDv7 id, the title trimmed, version 1),
// created k microseconds after base, so all of them before every seeded
// task.
func largeTask(k int, base time.Time) (*task.Task, error) {
	return task.New(system.IDs{}.NewID(), largeOwner(k/largePerUser),
		task.Draft{Title: "Background task " + strconv.Itoa(k%largePerUser), Completed: k%3 == 0},
		base.Add(time.Duration(k)*time.Microsecond))
}

func largeOwner(u int) identity.UserID { return identity.UserID("large-user-" + strconv.Itoa(u)) }

// loadLarge writes the large table through the store's own repository,
// the code that writes every other task: one transaction per user holding
// its creates (a transaction acts for one owner), largeConns at a time.
func (b *bench) loadLarge(ctx context.Context) error {
	if b.store.dialect == "" {
		return errNoDB
	}
	start := time.Now()
	b.logf("loading %d users x %d tasks through the store's repository", largeUsers, largePerUser)
	db, err := sqlstore.Open(b.store.databaseURL, sqlstore.Options{MaxOpenConns: largeConns})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := createLarge(ctx, sqlstore.NewTaskRepository(db)); err != nil {
		return err
	}
	if b.store.dialect == sqlstore.Postgres {
		if err := b.vacuum(ctx); err != nil {
			return err
		}
	}
	b.largeTime, b.largeTasks = time.Since(start), largeUsers*largePerUser
	b.logf("loaded %d tasks in %s", b.largeTasks, b.largeTime.Round(time.Millisecond))
	return nil
}

// createLarge creates every user's tasks, largeConns users at a time, and
// returns the first error.
func createLarge(ctx context.Context, repo ports.TaskRepository) error {
	base := time.Now().UTC().Add(-24 * time.Hour)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	users := make(chan int)
	var (
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	for range largeConns {
		wg.Go(func() {
			for u := range users {
				if err := createLargeUser(ctx, repo, u, base); err != nil {
					once.Do(func() { firstErr = err; cancel() })
				}
			}
		})
	}
feed:
	for u := range largeUsers {
		select {
		case users <- u:
		case <-ctx.Done():
			break feed
		}
	}
	close(users)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func createLargeUser(ctx context.Context, repo ports.TaskRepository, u int, base time.Time) error {
	return repo.Atomic(ctx, largeOwner(u), func(tx ports.TaskTx) error {
		for k := u * largePerUser; k < (u+1)*largePerUser; k++ {
			t, err := largeTask(k, base)
			if err != nil {
				return err
			}
			if err := tx.Create(ctx, t, 0); err != nil {
				return err
			}
		}
		return nil
	})
}

// vacuum does what autovacuum would do soon after such a load in
// production, so the planner knows the table's new size.
func (b *bench) vacuum(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, b.store.databaseURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, "VACUUM ANALYZE tasks")
	return err
}
