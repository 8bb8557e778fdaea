package sqlstore_test

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/idempotency"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
	"github.com/todoapi/todo/ports/porttest"
)

// Benchmarks are not run by `go test`; run them with, for example,
//
//	go test -run '^$' -bench . -benchtime 5s ./adapters/sqlstore/
//
// Each runs 32 goroutines (16 per CPU on 2 CPUs; set by SetParallelism with
// GOMAXPROCS in mind) against a table of 200 owners with 50 tasks each.
const (
	benchOwners        = 200
	benchTasksPerOwner = 50
	benchGoroutines    = 32
)

type seeded struct {
	owners []identity.UserID
	ids    [][]task.ID // ids[i] are owners[i]'s tasks
}

// seed fills a migrated database through the repository.
func seed(b *testing.B, repo *sqlstore.TaskRepository) *seeded {
	b.Helper()
	s := &seeded{}
	now := time.Now()
	for range benchOwners {
		owner := porttest.RandomOwner()
		var ids []task.ID
		for j := range benchTasksPerOwner {
			tk, _ := task.New(porttest.RandomID(), owner, task.Draft{Title: "benchmark task"}, now.Add(time.Duration(j)*time.Millisecond))
			if err := porttest.Create(context.Background(), repo, tk); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, tk.ID())
		}
		s.owners, s.ids = append(s.owners, owner), append(s.ids, ids)
	}
	return s
}

// runParallel runs op from benchGoroutines goroutines and reports ops/s
// and the 99th percentile latency.
func runParallel(b *testing.B, op func(ctx context.Context, r *rand.Rand) error) {
	b.SetParallelism(max(1, benchGoroutines/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	var mu sync.Mutex
	var all []time.Duration
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
		ctx := context.Background()
		var took []time.Duration
		for pb.Next() {
			start := time.Now()
			if err := op(ctx, r); err != nil {
				b.Error(err)
				return
			}
			took = append(took, time.Since(start))
		}
		mu.Lock()
		all = append(all, took...)
		mu.Unlock()
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	if len(all) > 0 {
		slices.Sort(all)
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	}
}

// benchRepository measures Get by id, List of 50, a page of 20, Create and
// Update (a toggle: a transaction that reads, locks and writes).
func benchRepository(b *testing.B, repo *sqlstore.TaskRepository, s *seeded) {
	b.Run("Get", func(b *testing.B) {
		runParallel(b, func(ctx context.Context, r *rand.Rand) error {
			i := r.IntN(len(s.owners))
			_, err := repo.Get(ctx, s.owners[i], s.ids[i][r.IntN(benchTasksPerOwner)])
			return err
		})
	})
	b.Run("List50", func(b *testing.B) {
		runParallel(b, func(ctx context.Context, r *rand.Rand) error {
			page, err := repo.List(ctx, s.owners[r.IntN(len(s.owners))], task.Query{})
			if err == nil && len(page.Tasks) != benchTasksPerOwner {
				b.Fatalf("List returned %d tasks", len(page.Tasks))
			}
			return err
		})
	})
	// A page of 20 is a list the repository composes (see listQuery).
	b.Run("Page20", func(b *testing.B) {
		runParallel(b, func(ctx context.Context, r *rand.Rand) error {
			page, err := repo.List(ctx, s.owners[r.IntN(len(s.owners))], task.Query{Limit: 20})
			if err == nil && len(page.Tasks) != 20 {
				b.Fatalf("List returned %d tasks", len(page.Tasks))
			}
			return err
		})
	})
	// Created tasks go to owners of their own, so the lists stay at 50.
	b.Run("Create", func(b *testing.B) {
		runParallel(b, func(ctx context.Context, _ *rand.Rand) error {
			tk, _ := task.New(porttest.RandomID(), porttest.RandomOwner(), task.Draft{Title: "created"}, time.Now())
			return porttest.Create(ctx, repo, tk)
		})
	})
	b.Run("Update", func(b *testing.B) {
		runParallel(b, func(ctx context.Context, r *rand.Rand) error {
			i := r.IntN(len(s.owners))
			_, err := porttest.Update(ctx, repo, s.owners[i], s.ids[i][r.IntN(benchTasksPerOwner)], func(t *task.Task) error {
				t.Toggle(time.Now())
				return nil
			})
			return err
		})
	})
	// The same writes with their change recorded, as the use cases make
	// them: what the change feed costs a write.
	b.Run("CreateRecorded", func(b *testing.B) {
		runParallel(b, func(ctx context.Context, _ *rand.Rand) error {
			tk, _ := task.New(porttest.RandomID(), porttest.RandomOwner(), task.Draft{Title: "created"}, time.Now())
			return porttest.CreateRecorded(ctx, repo, tk)
		})
	})
	// Creates of the seeded owners, whose lists then grow: with the task
	// limit, each moves a count row the owner has already (see taskCount),
	// and owners' creates that collide wait for each other's.
	b.Run("CreateRecordedOwned", func(b *testing.B) {
		runParallel(b, func(ctx context.Context, r *rand.Rand) error {
			tk, _ := task.New(porttest.RandomID(), s.owners[r.IntN(len(s.owners))], task.Draft{Title: "created"}, time.Now())
			return porttest.CreateRecorded(ctx, repo, tk)
		})
	})
	b.Run("UpdateRecorded", func(b *testing.B) {
		runParallel(b, func(ctx context.Context, r *rand.Rand) error {
			i := r.IntN(len(s.owners))
			_, err := porttest.UpdateRecorded(ctx, repo, s.owners[i], s.ids[i][r.IntN(benchTasksPerOwner)], func(t *task.Task) {
				t.Toggle(time.Now())
			})
			return err
		})
	})
	// The same writes under a new idempotency key each, as the use cases
	// make them: the key claimed first, a response of a task's size stored
	// last.
	b.Run("CreateKey", func(b *testing.B) {
		runParallel(b, func(ctx context.Context, _ *rand.Rand) error {
			tk, _ := task.New(porttest.RandomID(), porttest.RandomOwner(), task.Draft{Title: "created"}, time.Now())
			key := porttest.RandomKey()
			return repo.Atomic(ctx, tk.Owner(), func(tx ports.TaskTx) error {
				if err := tx.ClaimKey(ctx, key); err != nil {
					return err
				}
				if err := tx.Create(ctx, tk, task.DefaultMaxTasks); err != nil {
					return err
				}
				return tx.SaveKey(ctx, idempotency.Record{Key: key, Fingerprint: benchFingerprint, Response: benchResponse, CreatedAt: time.Now()})
			})
		})
	})
	b.Run("UpdateKey", func(b *testing.B) {
		runParallel(b, func(ctx context.Context, r *rand.Rand) error {
			i := r.IntN(len(s.owners))
			key := porttest.RandomKey()
			return repo.Atomic(ctx, s.owners[i], func(tx ports.TaskTx) error {
				if err := tx.ClaimKey(ctx, key); err != nil {
					return err
				}
				t, err := tx.Get(ctx, s.ids[i][r.IntN(benchTasksPerOwner)])
				if err != nil {
					return err
				}
				t.Toggle(time.Now())
				if err := tx.Save(ctx, t); err != nil {
					return err
				}
				return tx.SaveKey(ctx, idempotency.Record{Key: key, Fingerprint: benchFingerprint, Response: benchResponse, CreatedAt: time.Now()})
			})
		})
	})
}

var (
	benchFingerprint = strings.Repeat("f", 64)
	benchResponse    = []byte(strings.Repeat("r", 400))
)

// BenchmarkPostgres runs the repository over pgx in each statement mode
// (its default, cache_statement, prepares each statement once per
// connection; the others are those a transaction-mode pooler allows).
// raw_pgx is the ceiling: the same reads and a plain INSERT through
// database/sql and pgx, scanned by hand, outside any transaction.
func BenchmarkPostgres(b *testing.B) {
	databaseURL := sqlstoretest.MustCreatePostgresDB(b)
	setup := sqlstoretest.MustOpen(b, databaseURL, sqlstore.Options{})
	sqlstoretest.MustMigrate(b, setup)
	s := seed(b, sqlstore.NewTaskRepository(setup))
	for _, mode := range execModes {
		b.Run("pgx_"+mode, func(b *testing.B) {
			db := sqlstoretest.MustOpen(b, withParam(b, databaseURL, "default_query_exec_mode", mode), sqlstore.Options{})
			benchRepository(b, sqlstore.NewTaskRepository(db), s)
		})
	}
	// The default mode as a role the row-level security policies bind, on
	// a database of its own migrated by its owner: beside pgx_cache_statement
	// (a superuser, which the policies skip) it shows what evaluating them
	// costs. Both pay for naming the acting user.
	b.Run("pgx_cache_statement_app_role", func(b *testing.B) {
		roles := sqlstoretest.MustCreatePostgresDBWithRoles(b)
		sqlstoretest.MustMigrate(b, sqlstoretest.MustOpen(b, roles.OwnerURL, sqlstore.Options{AppRole: roles.App}))
		repo := sqlstore.NewTaskRepository(sqlstoretest.MustOpen(b, roles.AppURL, sqlstore.Options{}))
		benchRepository(b, repo, seed(b, repo))
	})
	b.Run("raw_pgx", func(b *testing.B) {
		raw, err := sql.Open("pgx", databaseURL)
		if err != nil {
			b.Fatal(err)
		}
		benchRaw(b, raw, s)
	})
}

const rawColumns = "id, user_id, title, description, completed, created_at, updated_at"

// benchRaw issues the same statements as the repository straight through
// database/sql, with $n parameters and no bun: the ceiling for each driver.
func benchRaw(b *testing.B, raw *sql.DB, s *seeded) {
	defer raw.Close()
	raw.SetMaxOpenConns(sqlstore.DefaultMaxOpenConns)
	raw.SetMaxIdleConns(sqlstore.DefaultMaxOpenConns)
	scan := func(rows *sql.Rows) (n int, err error) {
		defer rows.Close()
		var id, user, title string
		var desc sql.NullString
		var done bool
		var created, updated time.Time
		for rows.Next() {
			if err := rows.Scan(&id, &user, &title, &desc, &done, &created, &updated); err != nil {
				return n, err
			}
			n++
		}
		return n, rows.Err()
	}
	b.Run("Get", func(b *testing.B) {
		runParallel(b, func(ctx context.Context, r *rand.Rand) error {
			i := r.IntN(len(s.owners))
			rows, err := raw.QueryContext(ctx, "SELECT "+rawColumns+" FROM tasks WHERE id = $1::uuid AND user_id = $2::text",
				s.ids[i][r.IntN(benchTasksPerOwner)].String(), string(s.owners[i]))
			if err == nil {
				_, err = scan(rows)
			}
			return err
		})
	})
	b.Run("List50", func(b *testing.B) {
		runParallel(b, func(ctx context.Context, r *rand.Rand) error {
			rows, err := raw.QueryContext(ctx, "SELECT "+rawColumns+" FROM tasks WHERE user_id = $1::text ORDER BY created_at DESC, id DESC",
				string(s.owners[r.IntN(len(s.owners))]))
			if err == nil {
				_, err = scan(rows)
			}
			return err
		})
	})
	b.Run("Create", func(b *testing.B) {
		runParallel(b, func(ctx context.Context, _ *rand.Rand) error {
			now := time.Now().UTC().Truncate(time.Microsecond)
			_, err := raw.ExecContext(ctx, "INSERT INTO tasks ("+rawColumns+") VALUES ($1, $2, $3, NULL, false, $4, $4)",
				porttest.RandomID().String(), string(porttest.RandomOwner()), "created", now)
			return err
		})
	})
}

// BenchmarkSQLite measures the embedded store the same way.
func BenchmarkSQLite(b *testing.B) {
	db := sqlstoretest.MustOpenSQLite(b, sqlstore.Options{})
	repo := sqlstore.NewTaskRepository(db)
	benchRepository(b, repo, seed(b, repo))
}
