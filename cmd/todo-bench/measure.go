package main

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
)

// report is the whole run, as --json prints it.
type report struct {
	Machine        machine    `json:"machine"`
	Store          string     `json:"store"`
	Target         string     `json:"target,omitempty"`
	Client         string     `json:"client"`
	Conns          int        `json:"conns"`
	DBConns        int        `json:"db_conns"`
	Duration       string     `json:"duration"`
	Warmup         string     `json:"warmup"`
	Users          int        `json:"users"`
	TasksPerUser   int        `json:"tasks_per_user"`
	LargeTasks     int        `json:"large_tasks"`
	SeedSeconds    float64    `json:"seed_seconds"`
	LargeSeconds   float64    `json:"large_seconds,omitempty"`
	StartToReadyMS float64    `json:"start_to_ready_ms"` // 0 with --target
	PeakRSSBytes   int64      `json:"peak_rss_bytes"`    // the server's VmHWM; 0 when unknown
	Ops            []opReport `json:"ops"`
	// Plans are the hot statements' query plans (--explain), by operation.
	Plans map[string]string `json:"plans,omitempty"`
	// ListPlans are the plans of every filter and sort of a heavy user's
	// list (--explain with a list scenario).
	ListPlans []listPlan `json:"list_plans,omitempty"`
	// Scenarios say how many of the heavy users' tasks each list scenario
	// selects.
	Scenarios []scenarioReport `json:"scenarios,omitempty"`
	// Catchup is the feed catch-up scenario (--catchup).
	Catchup *catchupReport `json:"catchup,omitempty"`
	// Streams is the live events scenario (--streams).
	Streams *streamsReport `json:"streams,omitempty"`
}

// scenarioReport is a list scenario's request and what it selects.
type scenarioReport struct {
	Op      string `json:"op"`
	Request string `json:"request"` // the query, without the user
	Matches int    `json:"matches"` // the heavy users' tasks its filters select
	Tasks   int    `json:"tasks"`   // the heavy users' tasks
}

// opReport is one operation beside its ceilings.
type opReport struct {
	Op           string  `json:"op"`
	Service      result  `json:"service"`
	PeakRSSBytes int64   `json:"peak_rss_bytes"` // largest VmRSS sampled while it ran
	HTTPCeiling  *result `json:"http_ceiling,omitempty"`
	DBCeiling    *result `json:"db_ceiling,omitempty"`
	// ComposedRPS is 1/(1/HTTP + 1/DB): the rate if a request cost exactly
	// its HTTP part plus its store part (everything below HTTP).
	ComposedRPS float64 `json:"composed_ceiling_rps,omitempty"`
	Fraction    float64 `json:"fraction_of_ceiling,omitempty"`
}

// measure drives each operation, then its HTTP ceiling, then its DB
// ceiling (the store), one after the other, so the three see the same
// machine.
func (b *bench) measure(ctx context.Context) (*report, error) {
	rep := b.newReport(ctx)
	if b.o.explain {
		var err error
		if rep.Plans, err = b.explain(ctx); err != nil {
			return nil, err
		}
		if rep.ListPlans, err = b.explainLists(ctx); err != nil {
			return nil, err
		}
	}
	db, err := b.openDBCeiling()
	switch {
	case err == nil:
		defer db.close()
	case errors.Is(err, errNoDB):
		b.logf("no DB ceiling: %v", err)
	default:
		return nil, err
	}
	for _, op := range b.o.ops {
		r := b.measureOp(ctx, op, db)
		rep.Ops = append(rep.Ops, r)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if b.o.catchup > 0 {
		if rep.Catchup, err = b.catchup(ctx); err != nil {
			return nil, err
		}
	}
	if b.o.streams > 0 {
		if rep.Streams, err = b.streams(ctx); err != nil {
			return nil, err
		}
	}
	if b.serverPid > 0 {
		if _, hwm, err := memStatus(b.serverPid); err == nil {
			rep.PeakRSSBytes = hwm
		}
	}
	rep.Machine.LoadEnd, rep.Machine.ProbeEndMS = loadAverage(), probe()
	return rep, nil
}

func (b *bench) measureOp(ctx context.Context, op string, db *dbCeiling) opReport {
	r := opReport{Op: op}
	b.logf("%-10s service (%s)", op, b.o.duration)
	stopRSS := sampleRSS(b.serverPid)
	r.Service = b.measured(ctx, op+" service", b.serviceOp(op), b.serverPid)
	r.PeakRSSBytes = stopRSS()

	size := int(math.Round(r.Service.MeanBytes))
	b.logf("%-10s HTTP ceiling (%d-byte responses)", op, size)
	hc := b.measured(ctx, op+" HTTP ceiling", b.ceilingOp(op, wantStatus(op), size), b.ceiling.pid())
	r.HTTPCeiling = &hc
	if db != nil {
		b.logf("%-10s DB ceiling", op)
		dc := b.measured(ctx, op+" DB ceiling", db.op(op), pidNone)
		r.DBCeiling = &dc
		if hc.RPS > 0 && dc.RPS > 0 {
			r.ComposedRPS = 1 / (1/hc.RPS + 1/dc.RPS)
			r.Fraction = r.Service.RPS / r.ComposedRPS
		}
	}
	return r
}

// errors counts the failed requests of every measurement.
func (rep *report) errors() int64 {
	var n int64
	for _, r := range rep.Ops {
		n += r.Service.Errors
		for _, c := range []*result{r.HTTPCeiling, r.DBCeiling} {
			if c != nil {
				n += c.Errors
			}
		}
	}
	if s := rep.Streams; s != nil {
		n += s.WriteErrors + s.StreamErrors + s.Missing + s.Duplicates + s.Unexpected
	}
	return n
}

func wantStatus(op string) int {
	if op == "create" || op == "create-key" {
		return http.StatusCreated
	}
	return http.StatusOK
}

func (b *bench) newReport(ctx context.Context) *report {
	o := b.o
	var scen []scenarioReport
	for _, op := range o.ops {
		if s, ok := scenarioOf(op); ok {
			req := "limit=" + strconv.Itoa(listPageSize)
			if s.query != "" {
				req += "&" + s.query
			}
			if s.pages > 0 {
				req += ", then its Link " + strconv.Itoa(s.pages) + " times"
			}
			scen = append(scen, scenarioReport{Op: op, Request: req, Matches: b.matches[op], Tasks: o.heavyUsers * o.heavyTasks})
		}
	}
	return &report{
		Scenarios:      scen,
		Machine:        b.machine(ctx),
		Store:          string(b.store.dialect),
		Target:         o.target,
		Client:         o.client,
		Conns:          o.conns,
		DBConns:        o.dbConns,
		Duration:       o.duration.String(),
		Warmup:         o.warmup.String(),
		Users:          o.users,
		TasksPerUser:   o.perUser,
		LargeTasks:     b.largeTasks,
		SeedSeconds:    b.seedTime.Seconds(),
		LargeSeconds:   b.largeTime.Seconds(),
		StartToReadyMS: float64(b.ready.Microseconds()) / 1000,
	}
}
