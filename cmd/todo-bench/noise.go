package main

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/todoapi/todo/adapters/sqlstore"
)

// A shared machine makes load figures noisy: when other work runs during
// a measurement, every process of the benchmark gets less CPU. So each
// measurement accounts for where the CPU went, and with --noise set it
// starts only on a quiet machine and is repeated when other work took more
// than --noise cores during it.

// cpuUse says where the CPU went during one measurement (warm-up
// included), in cores.
type cpuUse struct {
	ClientCPU   float64 `json:"client_cpu_cores"`             // this process: the load, and the store (repository, driver) for the DB ceiling
	ServerCPU   float64 `json:"server_cpu_cores,omitempty"`   // the server under test, or the HTTP ceiling's
	DatabaseCPU float64 `json:"database_cpu_cores,omitempty"` // PostgreSQL: this database's backends, the WAL writer, ...
	MachineCPU  float64 `json:"machine_cpu_cores"`            // all CPUs' busy time
	OtherCPU    float64 `json:"other_cpu_cores"`              // the machine's minus all of the above
	Accounted   bool    `json:"accounted"`                    // every process above could be read, so OtherCPU means something
	Attempts    int     `json:"attempts"`
}

// pidNone marks a measurement with no server process (the DB ceiling).
const pidNone = -1

// measured runs one measurement of op; pid is the server it drives (0 when
// unknown). With --noise it waits for a quiet machine first and repeats a
// measurement that other work disturbed, up to --retries times.
func (b *bench) measured(ctx context.Context, label string, op opFunc, pid int) result {
	for attempt := 1; ; attempt++ {
		b.settle(ctx)
		m := b.mark(ctx, pid)
		r := drive(ctx, b.o.conns, b.o.warmup, b.o.duration, op)
		r.cpuUse = b.usageSince(ctx, m, pid)
		r.Attempts = attempt
		if b.o.noise <= 0 || !r.Accounted || r.OtherCPU <= b.o.noise || attempt > b.o.retries || ctx.Err() != nil {
			return r
		}
		b.logf("%s: other work took %.2f cores during the measurement; measuring again", label, r.OtherCPU)
	}
}

// settle waits, for two minutes at most, for a second in which the machine
// is nearly idle.
func (b *bench) settle(ctx context.Context) {
	if b.o.noise <= 0 {
		return
	}
	deadline := time.Now().Add(2 * time.Minute)
	for logged := false; time.Now().Before(deadline); {
		before := machineBusy()
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
		busy := (machineBusy() - before).Seconds()
		if busy <= b.o.noise {
			return
		}
		if !logged {
			b.logf("waiting for a quiet machine (%.2f cores busy)", busy)
			logged = true
		}
	}
}

// cpuMark is the CPU counters at the start of a measurement.
type cpuMark struct {
	at                    time.Time
	machine, self, server time.Duration
	backends              map[int]time.Duration
	ok                    bool
}

func (b *bench) mark(ctx context.Context, pid int) cpuMark {
	backends, ok := b.backendCPU(ctx)
	return cpuMark{at: time.Now(), machine: machineBusy(), self: selfCPU(), server: cpuTime(pid),
		backends: backends, ok: ok && pid != 0}
}

func (b *bench) usageSince(ctx context.Context, m cpuMark, pid int) cpuUse {
	backends, ok := b.backendCPU(ctx)
	wall := time.Since(m.at).Seconds()
	u := cpuUse{
		ClientCPU:  (selfCPU() - m.self).Seconds() / wall,
		MachineCPU: (machineBusy() - m.machine).Seconds() / wall,
		Accounted:  m.ok && ok,
	}
	if pid > 0 {
		u.ServerCPU = (cpuTime(pid) - m.server).Seconds() / wall
	}
	for p, t := range backends {
		u.DatabaseCPU += (t - m.backends[p]).Seconds() / wall // new backends started at 0
	}
	u.OtherCPU = max(0, u.MachineCPU-u.ClientCPU-u.ServerCPU-u.DatabaseCPU)
	return u
}

// backendCPU returns the CPU time of each PostgreSQL process working for
// the run's database: the backends of the server's pool and the DB
// ceiling's, and the shared background processes (WAL writer,
// checkpointer, ...). ok is false when they cannot be read (a database on
// another machine).
func (b *bench) backendCPU(ctx context.Context) (map[int]time.Duration, bool) {
	if b.store.dialect != sqlstore.Postgres {
		return nil, b.store.dialect == sqlstore.SQLite
	}
	if b.stats == nil {
		if !isLocal(b.store.databaseURL) {
			return nil, false
		}
		db, err := b.store.openStats()
		if err != nil {
			return nil, false
		}
		b.stats = db
	}
	return pgBackends(ctx, b.stats)
}

func pgBackends(ctx context.Context, db *sql.DB) (map[int]time.Duration, bool) {
	rows, err := db.QueryContext(ctx,
		"SELECT pid FROM pg_stat_activity WHERE (datname = current_database() OR datname IS NULL) AND pid <> pg_backend_pid()")
	if err != nil {
		return nil, false
	}
	defer rows.Close()
	cpu := map[int]time.Duration{}
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) != nil {
			return nil, false
		}
		if cpu[pid] = cpuTime(pid); cpu[pid] == 0 {
			if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err != nil {
				return nil, false // not a process of this machine
			}
		}
	}
	return cpu, rows.Err() == nil
}

// isLocal reports whether a PostgreSQL URL names this machine.
func isLocal(dsn string) bool {
	u, err := url.Parse(dsn)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "" || h == "localhost" || h == "::1" || strings.HasPrefix(h, "127.") || strings.HasPrefix(h, "/")
}

// selfCPU is the CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuTime is the CPU time (user and system) process pid has used; 0 when
// it cannot be read.
func cpuTime(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// After the parenthesised command name: utime and stime are the 12th
	// and 13th fields.
	_, rest, _ := strings.Cut(string(stat), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * (time.Second / clockTicks)
}

// clockTicks is USER_HZ, 100 on every Linux architecture Go runs on.
const clockTicks = 100

// machineBusy is the time all CPUs together have spent not idle since boot.
func machineBusy() time.Duration {
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(stat), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	var busy int64
	for i := 1; i < len(f) && i <= 8; i++ {
		if i == 4 || i == 5 { // idle, iowait
			continue
		}
		v, _ := strconv.ParseInt(f[i], 10, 64)
		busy += v
	}
	return time.Duration(busy) * (time.Second / clockTicks)
}
