package main

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// worker is one closed-loop connection's state.
type worker struct {
	id   int
	rng  *rand.Rand
	seq  int      // requests this worker has sent
	conn *rawConn // its connection, with the raw client
}

// opFunc sends one request (or runs one database operation) and returns the
// bytes of the response body it read.
type opFunc func(ctx context.Context, w *worker) (int, error)

// result is one measurement: an operation, or one of its ceilings.
type result struct {
	Requests   int64   `json:"requests"`
	Errors     int64   `json:"errors"`
	Seconds    float64 `json:"seconds"`
	RPS        float64 `json:"rps"`
	P50ms      float64 `json:"p50_ms"`
	P90ms      float64 `json:"p90_ms"`
	P99ms      float64 `json:"p99_ms"`
	Maxms      float64 `json:"max_ms"`
	MeanBytes  float64 `json:"mean_response_bytes,omitempty"`
	FirstError string  `json:"first_error,omitempty"`
	cpuUse
}

// tally is what one worker recorded.
type tally struct {
	lat      []time.Duration
	errs     int64
	bytes    int64
	firstErr string
}

// drive runs op from conns goroutines in a closed loop: warm-up first, then
// dur measured. Only requests that start and finish inside the measured
// window count, so the rate is requests/dur with no partial-request bias
// beyond one request per connection at each edge.
func drive(ctx context.Context, conns int, warmup, dur time.Duration, op opFunc) result {
	begin := time.Now().Add(warmup)
	end := begin.Add(dur)
	tallies := make([]tally, conns)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() {
			w := &worker{id: i, rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
			tallies[i] = loop(ctx, w, op, begin, end)
			if w.conn != nil {
				_ = w.conn.Close()
			}
		})
	}
	wg.Wait()
	return summarize(tallies, dur)
}

func loop(ctx context.Context, w *worker, op opFunc, begin, end time.Time) tally {
	t := tally{lat: make([]time.Duration, 0, 1024)}
	for ctx.Err() == nil {
		start := time.Now()
		if !start.Before(end) {
			break
		}
		n, err := op(ctx, w)
		w.seq++
		took := time.Since(start)
		if start.Before(begin) || start.Add(took).After(end) {
			continue // warm-up, or straddles the end
		}
		t.lat = append(t.lat, took)
		t.bytes += int64(n)
		if err != nil {
			if t.errs == 0 {
				t.firstErr = err.Error()
			}
			t.errs++
		}
	}
	return t
}

func summarize(tallies []tally, dur time.Duration) result {
	var all []time.Duration
	r := result{Seconds: dur.Seconds()}
	var bytes int64
	for _, t := range tallies {
		all = append(all, t.lat...)
		r.Errors += t.errs
		bytes += t.bytes
		if r.FirstError == "" {
			r.FirstError = t.firstErr
		}
	}
	r.Requests = int64(len(all))
	r.RPS = float64(r.Requests) / dur.Seconds()
	if len(all) == 0 {
		return r
	}
	slices.Sort(all)
	r.P50ms, r.P90ms, r.P99ms = ms(quantile(all, .50)), ms(quantile(all, .90)), ms(quantile(all, .99))
	r.Maxms = ms(all[len(all)-1])
	r.MeanBytes = float64(bytes) / float64(r.Requests)
	return r
}

// quantile is the nearest-rank quantile of sorted samples.
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
