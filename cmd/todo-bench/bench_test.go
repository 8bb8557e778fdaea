package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todoapi/todo/internal/testkit"
)

func TestMain(m *testing.M) {
	// The HTTP ceiling is this test binary run again (see startCeiling).
	if os.Getenv(roleEnv) == roleHTTPCeiling {
		os.Exit(serveCeiling())
	}
	os.Exit(testkit.Run(m))
}

// The end-to-end tests run the whole tool briefly: they prove it works,
// never how fast anything is.
func TestRunSQLite(t *testing.T) {
	t.Parallel()
	rep := mustRun(t, "--store", "sqlite", "--catchup", "250", "--catchup-page", "100")
	checkReport(t, rep, "sqlite", defaultOps)
	if c := rep.Catchup; c == nil || c.Changes != 250 || c.PageSize != 100 || len(c.RunsSecs) != catchupRuns ||
		c.Rate <= 0 || c.PageP50ms <= 0 || c.PageBytes <= 0 {
		t.Errorf("catch-up report: %+v", rep.Catchup)
	}
}

func TestRunPostgres(t *testing.T) {
	t.Parallel()
	admin := mustPostgres(t)
	// net/http here, the raw client against SQLite: both drive the real server.
	rep := mustRun(t, "--store", "postgres", "--pg-admin-url", admin, "--client", "net/http")
	checkReport(t, rep, "postgres", defaultOps)
}

// TestRunListScenarios runs the list scenarios on both stores with a small
// heavy user: each reads a page of 50 (the third through the Link of the
// first two), and the plans of every filter and sort come back.
func TestRunListScenarios(t *testing.T) {
	t.Parallel()
	ops := []string{"list", "list-filter", "list-tag", "list-search", "list-due", "list-page3"}
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			args := []string{"--store", store, "--ops", strings.Join(ops, ","), "--heavy-users", "1", "--heavy-tasks", "600", "--explain",
				// A filtered page under -race on a busy machine can take most
				// of 300 ms: measure long enough to count a few.
				"--duration", "1s"}
			if store == "postgres" {
				args = append(args, "--pg-admin-url", mustPostgres(t))
			}
			rep := mustRun(t, args...)
			checkReport(t, rep, store, ops)
			if len(rep.Scenarios) != len(ops)-1 {
				t.Fatalf("scenarios %+v", rep.Scenarios)
			}
			for _, s := range rep.Scenarios {
				filters := s.Op == "list-filter" || s.Op == "list-tag" || s.Op == "list-search"
				if s.Tasks != 600 || s.Matches <= 0 || s.Matches > s.Tasks || filters == (s.Matches == s.Tasks) {
					t.Errorf("%s selects %d of %d tasks", s.Op, s.Matches, s.Tasks)
				}
			}
			for _, r := range rep.Ops {
				if r.Op != "list" && (r.Service.MeanBytes < 50*200 || r.Service.MeanBytes > 51*1000) {
					t.Errorf("%s answered %v bytes on average: not a page of 50 tasks", r.Op, r.Service.MeanBytes)
				}
			}
			if len(rep.ListPlans) < 20 {
				t.Fatalf("%d list plans", len(rep.ListPlans))
			}
			// A table this small PostgreSQL may read whole; the store's tests
			// check the plans of a large owner.
			for _, p := range rep.ListPlans {
				uses := strings.Contains(p.Plan, "tasks_user_id_") || store == "postgres" && strings.Contains(p.Plan, "on tasks")
				if !uses || !strings.Contains(p.Statement, "FROM tasks") || (store == "postgres") != (p.Generic != "") {
					t.Errorf("plan of %s: %s\ngeneric: %s", p.Name, p.Plan, p.Generic)
				}
			}
		})
	}
}

// The live events scenario: every stream gets every create of its user
// once, on one server and across replicas.
func TestRunStreams(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, rep *report, replicas int) {
		t.Helper()
		s := rep.Streams
		if s == nil {
			t.Fatal("no streams report")
		}
		if s.Streams != 12 || s.Users != 4 || s.Replicas != replicas || s.Writes == 0 || s.Expected != 3*s.Writes ||
			s.Delivered != s.Expected || s.Missing != 0 || s.Duplicates != 0 || s.Unexpected != 0 || s.P99ms <= 0 {
			t.Errorf("streams report: %+v", *s)
		}
	}
	args := []string{"--ops", "none", "--streams", "12", "--stream-users", "4", "--stream-rate", "40"}
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		check(t, mustRun(t, append(args, "--store", "sqlite")...), 1)
	})
	t.Run("PostgresReplicas", func(t *testing.T) {
		t.Parallel()
		admin := mustPostgres(t)
		check(t, mustRun(t, append(args, "--store", "postgres", "--pg-admin-url", admin, "--replicas", "3")...), 3)
	})
}

// mustRun runs the tool with a tiny load and returns its JSON report.
func mustRun(t *testing.T, args ...string) *report {
	t.Helper()
	// --noise 0: a busy CI machine must not make the test wait for quiet.
	// The defaults come first: a test's own arguments override them.
	args = append([]string{"--duration", "300ms", "--warmup", "100ms", "--conns", "4", "--users", "3", "--noise", "0", "--json"}, args...)
	var stdout, logs bytes.Buffer
	if err := run(context.Background(), args, &stdout, &logs); err != nil {
		t.Fatalf("todo-bench %v: %v\n%s\n%s", args, err, logs.String(), stdout.String())
	}
	var rep report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, stdout.String())
	}
	return &rep
}

func checkReport(t *testing.T, rep *report, store string, wantOps []string) {
	t.Helper()
	if rep.Store != store || rep.Users != 3 || rep.TasksPerUser != 50 || rep.Conns != 4 {
		t.Errorf("report describes store=%q users=%d tasks=%d conns=%d", rep.Store, rep.Users, rep.TasksPerUser, rep.Conns)
	}
	if rep.PeakRSSBytes <= 0 || rep.StartToReadyMS <= 0 {
		t.Errorf("peak RSS %d, start to ready %v ms: want both positive", rep.PeakRSSBytes, rep.StartToReadyMS)
	}
	var ops []string
	for _, r := range rep.Ops {
		ops = append(ops, r.Op)
		checkResult(t, r.Op+" service", &r.Service)
		checkResult(t, r.Op+" HTTP ceiling", r.HTTPCeiling)
		checkResult(t, r.Op+" DB ceiling", r.DBCeiling)
		if r.PeakRSSBytes <= 0 || r.ComposedRPS <= 0 || r.Fraction <= 0 {
			t.Errorf("%s: RSS %d, composed %v, fraction %v: want all positive", r.Op, r.PeakRSSBytes, r.ComposedRPS, r.Fraction)
		}
		if r.Op == "list" && r.Service.MeanBytes < 50*200 {
			t.Errorf("list answered %v bytes on average: not 50 tasks", r.Service.MeanBytes)
		}
	}
	if !slices.Equal(ops, wantOps) {
		t.Errorf("ops %v, want %v", ops, wantOps)
	}
}

func checkResult(t *testing.T, what string, r *result) {
	t.Helper()
	switch {
	case r == nil:
		t.Errorf("%s: missing", what)
	case r.Requests <= 0 || r.RPS <= 0:
		t.Errorf("%s: %d requests", what, r.Requests)
	case r.Errors != 0:
		t.Errorf("%s: %d errors of %d, first: %s", what, r.Errors, r.Requests, r.FirstError)
	case r.P50ms <= 0 || r.P50ms > r.P99ms || r.P99ms > r.Maxms:
		t.Errorf("%s: latencies p50 %v p99 %v max %v out of order", what, r.P50ms, r.P99ms, r.Maxms)
	case !r.Accounted || r.Attempts != 1 || r.ClientCPU <= 0:
		t.Errorf("%s: CPU not accounted for (%+v)", what, r.cpuUse)
	}
}

// mustPostgres returns the PostgreSQL the repository's tests use; it skips
// when there is none, except under CI=true.
func mustPostgres(t *testing.T) string {
	t.Helper()
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		url = defaultAdminURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		testkit.Missing(t, "PostgreSQL", "no server at TEST_DATABASE_URL: "+err.Error())
	}
	_ = conn.Close(ctx)
	return url
}

func TestParseOps(t *testing.T) {
	ops, err := parseOps("toggle, LIST,create")
	if err != nil || !slices.Equal(ops, []string{"list", "create", "toggle"}) {
		t.Errorf("parseOps = %v, %v; want list, create, toggle in run order", ops, err)
	}
	if _, err := parseOps("list,delete"); err == nil {
		t.Error("parseOps accepted an unknown operation")
	}
}

func TestQuantile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i))
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50}, {0.9, 90}, {0.99, 99}, {1, 100}, {0, 1}} {
		if got := quantile(s, c.q); got != c.want {
			t.Errorf("quantile(1..100, %v) = %v, want %v", c.q, got, c.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[float64]string{0: "-", 7: "7", 999.6: "1,000", 12345: "12,345", 1234567: "1,234,567"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%v) = %q, want %q", in, got, want)
		}
	}
}
