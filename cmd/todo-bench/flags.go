package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// allOps are the operations in the order they run. LIST comes first so the
// lists it reads are still the seeded 50 tasks before CREATE adds to them.
// The keyed writes run right after their plain twins, so the two see the
// same machine.
// The list scenarios (heavy.go) run right after LIST, to be compared with
// it; they are not in the default set, since they load heavy users.
var allOps = []string{"list", "list-filter", "list-tag", "list-search", "list-due", "list-page3",
	"get", "create", "create-key", "update", "update-key", "toggle"}

// defaultOps are the operations run when --ops names none.
var defaultOps = []string{"list", "get", "create", "create-key", "update", "update-key", "toggle"}

// The load clients.
const (
	clientRaw     = "raw"
	clientNetHTTP = "net/http"
)

const defaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

type options struct {
	store       string // sqlite or postgres
	target      string // base URL of a running server; "" starts one
	databaseURL string // the database to use; "" creates a fresh one
	adminURL    string // where a fresh PostgreSQL database is created
	serverBin   string // a built ./cmd/todo; "" builds one
	secret      string // the server's BETTER_AUTH_SECRET (--target only)
	serverLog   string // file that keeps the server's log; "" keeps a tail
	logLevel    string // the server's LOG_LEVEL: info logs every request
	pid         int    // the --target server's pid, for its RSS
	users       int
	perUser     int
	conns       int
	dbConns     int
	duration    time.Duration
	warmup      time.Duration
	ops         []string
	client      string  // clientRaw or clientNetHTTP
	noise       float64 // cores of other work that make a measurement noisy; 0: no check
	retries     int
	large       bool
	heavyUsers  int // users the list scenarios read, each with heavyTasks tasks
	heavyTasks  int
	catchup     int // changes the feed catch-up reads; 0: no catch-up
	catchupPage int
	explain     bool
	streams     int     // live event streams to hold open; 0: no streams scenario
	streamUsers int     // users the streams belong to
	streamRate  float64 // creates per second while the streams are open
	replicas    int     // server processes on one database
	jsonOut     bool
}

func parseFlags(args []string, logw io.Writer) (options, error) {
	var o options
	var ops string
	var quick bool
	fs := flag.NewFlagSet("todo-bench", flag.ContinueOnError)
	fs.SetOutput(logw)
	fs.StringVar(&o.store, "store", "sqlite", "store behind the server: sqlite or postgres")
	fs.StringVar(&o.target, "target", "", "base URL of an already-running server (needs --secret; --database-url for the DB ceiling)")
	fs.StringVar(&o.databaseURL, "database-url", "", "database to use (default: a fresh SQLite file, or a fresh PostgreSQL database on --pg-admin-url, dropped at the end)")
	fs.StringVar(&o.adminURL, "pg-admin-url", defaultAdminURL, "PostgreSQL where the fresh database is created")
	fs.StringVar(&o.serverBin, "server-bin", "", "a built todo binary (default: build ./cmd/todo into a temporary directory)")
	fs.StringVar(&o.secret, "secret", os.Getenv("BETTER_AUTH_SECRET"), "the --target server's BETTER_AUTH_SECRET, to mint HS256 tokens")
	fs.StringVar(&o.serverLog, "server-log", "", "write the server's log to this file")
	fs.StringVar(&o.logLevel, "log-level", "info", "the server's LOG_LEVEL (warn leaves out the access log, to measure what it costs)")
	fs.IntVar(&o.pid, "pid", 0, "pid of the --target server, to read its RSS")
	fs.IntVar(&o.users, "users", 200, "users to seed through the API")
	fs.IntVar(&o.perUser, "tasks-per-user", 50, "tasks each seeded user gets")
	fs.IntVar(&o.conns, "conns", 32, "concurrent connections (closed loop)")
	fs.IntVar(&o.dbConns, "db-conns", 0, "connections of the DB ceiling's pool, the store's own (default: --conns)")
	fs.DurationVar(&o.duration, "duration", 15*time.Second, "measured time per operation and ceiling")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured time before each measurement")
	fs.StringVar(&ops, "ops", strings.Join(defaultOps, ","), "operations to drive (always run in the order "+strings.Join(allOps, ",")+"), or none; the list-* scenarios read heavy users' lists")
	fs.StringVar(&o.client, "client", clientRaw, "load client: raw (one HTTP/1.1 connection per worker, wrk-like) or net/http")
	fs.Float64Var(&o.noise, "noise", 0.15, "wait for a quiet machine before each measurement, and repeat one during which other work took more CPU cores than this (0: off)")
	fs.IntVar(&o.retries, "retries", 2, "times a noisy measurement is repeated")
	fs.BoolVar(&o.large, "large", false, "also load 10,000 users x 100 tasks (1,000,000 rows) through the store's repository")
	fs.IntVar(&o.heavyUsers, "heavy-users", 2, "with a list-* scenario: users whose lists it reads, loaded through the store's repository")
	fs.IntVar(&o.heavyTasks, "heavy-tasks", 10_000, "with a list-* scenario: sample tasks of each heavy user (at least 150: the third page)")
	fs.IntVar(&o.catchup, "catchup", 0, "also make this many changes of one user, then read them from the change feed from the start (e.g. 100000)")
	fs.IntVar(&o.catchupPage, "catchup-page", 1000, "the page size (limit) of the catch-up's reads, 1 to 1000")
	fs.BoolVar(&o.explain, "explain", false, "PostgreSQL: print the generic plans of the store's Get and List (with --large: do they use the indexes?)")
	fs.IntVar(&o.streams, "streams", 0, "also hold this many live event streams open while creates run at --stream-rate for --duration (e.g. 10000)")
	fs.IntVar(&o.streamUsers, "stream-users", 0, "users the streams belong to, round robin (default: one stream per user)")
	fs.Float64Var(&o.streamRate, "stream-rate", 1000, "creates per second during the streams scenario, spread over its users")
	fs.IntVar(&o.replicas, "replicas", 1, "server processes on the one database (above 1: PostgreSQL only); the streams and writes go to each in turn")
	fs.BoolVar(&o.jsonOut, "json", false, "print the report as JSON instead of a table")
	fs.BoolVar(&quick, "quick", false, "a short run that proves the tool works: 1s per measurement, 200ms warm-up, no noise checks")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["duration"] {
			o.duration = time.Second
		}
		if !set["warmup"] {
			o.warmup = 200 * time.Millisecond
		}
		if !set["noise"] {
			o.noise = 0
		}
	}
	if o.streamUsers <= 0 {
		o.streamUsers = o.streams
	}
	if o.dbConns <= 0 {
		o.dbConns = o.conns
	}
	var err error
	o.ops, err = parseOps(ops)
	if err != nil {
		return o, err
	}
	return o, o.validate()
}

func parseOps(list string) ([]string, error) {
	if list == "none" {
		return nil, nil // only the scenarios
	}
	want := map[string]bool{}
	for _, op := range strings.Split(list, ",") {
		op = strings.ToLower(strings.TrimSpace(op))
		if !slices.Contains(allOps, op) {
			return nil, fmt.Errorf("--ops: unknown operation %q (want some of %s)", op, strings.Join(allOps, ","))
		}
		want[op] = true
	}
	var ops []string
	for _, op := range allOps {
		if want[op] {
			ops = append(ops, op)
		}
	}
	return ops, nil
}

func (o options) validate() error {
	switch {
	case o.store != "sqlite" && o.store != "postgres":
		return fmt.Errorf("--store: want sqlite or postgres, not %q", o.store)
	case o.conns < 1 || o.users < 1 || o.perUser < 1:
		return errors.New("--conns, --users and --tasks-per-user must be at least 1")
	case o.duration <= 0 || o.warmup < 0:
		return errors.New("--duration must be positive and --warmup not negative")
	case o.target != "" && o.secret == "":
		return errors.New("--target needs --secret (or BETTER_AUTH_SECRET): the server's HS256 secret")
	case o.client != clientRaw && o.client != clientNetHTTP:
		return fmt.Errorf("--client: want %s or %s, not %q", clientRaw, clientNetHTTP, o.client)
	case o.client == clientRaw && strings.HasPrefix(o.target, "https:"):
		return errors.New("--client raw speaks plain HTTP only; use --client net/http for an https target")
	case o.catchup < 0 || o.catchupPage < 1 || o.catchupPage > 1000:
		return errors.New("--catchup must not be negative, --catchup-page from 1 to 1000")
	case o.wantsHeavy() && (o.heavyUsers < 1 || o.heavyTasks < 3*50):
		return errors.New("the list scenarios need --heavy-users of at least 1 and --heavy-tasks of at least 150")
	case (o.large || o.wantsHeavy()) && o.target != "" && o.databaseURL == "":
		return errors.New("--large and the list scenarios with --target need --database-url")
	case o.streams < 0 || o.streamRate <= 0 || o.replicas < 1:
		return errors.New("--streams must not be negative, --stream-rate must be positive and --replicas at least 1")
	case o.replicas > 1 && o.store != "postgres":
		return errNeedsPostgres
	case o.replicas > 1 && o.target != "":
		return errors.New("--replicas starts its servers: it cannot be used with --target")
	}
	return nil
}
