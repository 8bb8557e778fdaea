package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The live events scenario (--streams N): N server-sent event streams stay
// open on the server (over --stream-users users; with --replicas R, spread
// over R server processes on one PostgreSQL database) while creates at
// --stream-rate per second, spread over those users and sent to the
// servers in turn, run for --duration. It reports
//
//   - commit-to-delivery: when a stream read an event, minus the change's
//     `at`, which the server takes inside the write's transaction just
//     before it commits (both clocks are this machine's);
//   - the servers' RSS before the streams opened, with them open, and the
//     difference per stream;
//   - whether every stream got every acknowledged create of its user
//     exactly once: the streams open, and are live, before the first
//     write, so each must see all of them.

// streamsReport is the scenario's result.
type streamsReport struct {
	Streams        int     `json:"streams"`
	Users          int     `json:"users"`
	Replicas       int     `json:"replicas"`
	OpenSeconds    float64 `json:"open_seconds"`
	TargetRate     float64 `json:"target_writes_per_second"`
	Writes         int64   `json:"writes"`
	WriteErrors    int64   `json:"write_errors"`
	WritesPerSec   float64 `json:"writes_per_second"`
	Expected       int64   `json:"expected_events"`
	Delivered      int64   `json:"delivered_events"`
	Missing        int64   `json:"missing_events"`
	Duplicates     int64   `json:"duplicate_events"`
	Unexpected     int64   `json:"unexpected_events"`
	StreamErrors   int64   `json:"stream_errors"`
	FirstError     string  `json:"first_error,omitempty"`
	P50ms          float64 `json:"commit_to_delivery_p50_ms"`
	P99ms          float64 `json:"commit_to_delivery_p99_ms"`
	Maxms          float64 `json:"commit_to_delivery_max_ms"`
	RSSBefore      int64   `json:"rss_before_bytes"`
	RSSOpen        int64   `json:"rss_open_bytes"`
	RSSPeak        int64   `json:"rss_peak_bytes"`
	BytesPerStream float64 `json:"rss_bytes_per_stream"`
}

// streamSettle is how long the scenario waits, after the last write, for
// the last events to arrive before it counts what is missing.
const streamSettle = 5 * time.Second

// liveStream is one open stream and what it read.
type liveStream struct {
	u      *user
	conn   net.Conn
	got    map[string]int // task id -> created events read
	seen   atomic.Int64   // distinct task ids in got, for waitDelivered
	lat    []time.Duration
	ids    map[string]struct{} // every id: line read
	dups   int64               // id: lines read before
	err    error
	closed atomic.Bool
	done   chan struct{}
}

// streams runs the scenario.
func (b *bench) streams(ctx context.Context) (*streamsReport, error) {
	o := b.o
	rep := &streamsReport{Streams: o.streams, Replicas: len(b.replicaBases()), TargetRate: o.streamRate}
	users := make([]*user, min(o.streamUsers, o.streams))
	for i := range users {
		u, err := newUser(b.secret, 0)
		if err != nil {
			return nil, err
		}
		users[i] = u
	}
	rep.Users = len(users)
	pids := b.replicaPids()
	rep.RSSBefore = sumRSS(pids)

	b.logf("streams: opening %d streams for %d users on %d servers", o.streams, len(users), rep.Replicas)
	start := time.Now()
	streams, err := b.openStreams(ctx, users)
	defer func() {
		for _, s := range streams {
			s.close()
		}
	}()
	if err != nil {
		return nil, err
	}
	rep.OpenSeconds = time.Since(start).Seconds()
	time.Sleep(time.Second) // let the last streams' subscriptions settle
	rep.RSSOpen = sumRSS(pids)
	rep.BytesPerStream = float64(rep.RSSOpen-rep.RSSBefore) / float64(o.streams)

	b.logf("streams: %d open in %.1f s, RSS %s -> %s; writing %.0f/s for %s", o.streams, rep.OpenSeconds,
		mib(rep.RSSBefore), mib(rep.RSSOpen), o.streamRate, o.duration)
	stopRSS := samplePeak(pids)
	acked, writes, werrs, firstErr := b.writeSpread(ctx, users, o.streamRate, o.duration)
	rep.Writes, rep.WriteErrors, rep.FirstError = writes, werrs, firstErr
	rep.WritesPerSec = float64(writes) / o.duration.Seconds()
	b.waitDelivered(streams, acked, streamSettle)
	rep.RSSPeak = stopRSS()
	for _, s := range streams {
		s.close()
	}
	rep.tally(streams, acked)
	return rep, nil
}

// openStreams opens one stream per --streams, round robin over users and
// servers, 64 at a time.
func (b *bench) openStreams(ctx context.Context, users []*user) ([]*liveStream, error) {
	bases := b.replicaBases()
	streams := make([]*liveStream, b.o.streams)
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for range 64 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(streams) || ctx.Err() != nil {
					return
				}
				s, err := openStream(ctx, bases[i%len(bases)], users[i%len(users)])
				if err != nil {
					once.Do(func() { firstErr = fmt.Errorf("open stream %d: %w", i, err) })
					return
				}
				streams[i] = s
			}
		})
	}
	wg.Wait()
	return slices.DeleteFunc(streams, func(s *liveStream) bool { return s == nil }), firstErr
}

// openStream opens u's stream on the server at base and starts reading it.
func openStream(ctx context.Context, base string, u *user) (*liveStream, error) {
	host := strings.TrimPrefix(base, "http://")
	conn, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, err
	}
	req := "GET /api/" + url.PathEscape(u.id) + "/events HTTP/1.1\r\nHost: " + host +
		"\r\nAccept: text/event-stream\r\nAuthorization: " + u.auth.Get("Authorization") + "\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		conn.Close()
		return nil, err
	}
	br := bufio.NewReaderSize(conn, 4<<10)
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	_ = conn.SetReadDeadline(time.Time{})
	if resp.StatusCode != http.StatusOK {
		conn.Close()
		return nil, fmt.Errorf("GET /events: status %d", resp.StatusCode)
	}
	s := &liveStream{u: u, conn: conn, got: map[string]int{}, ids: map[string]struct{}{}, done: make(chan struct{})}
	go s.read(bufio.NewReaderSize(resp.Body, 4<<10))
	return s, nil
}

// read reads events until the stream ends.
func (s *liveStream) read(r *bufio.Reader) {
	defer close(s.done)
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			if !s.closed.Load() {
				s.err = err
			}
			return
		}
		now := time.Now()
		text := strings.TrimRight(string(line), "\r\n")
		switch {
		case strings.HasPrefix(text, "id:"):
			id := strings.TrimSpace(text[3:])
			if _, seen := s.ids[id]; seen {
				s.dups++
			}
			s.ids[id] = struct{}{}
		case strings.HasPrefix(text, "data:"):
			var c struct {
				Op     string    `json:"op"`
				TaskID string    `json:"task_id"`
				At     time.Time `json:"at"`
			}
			if err := json.Unmarshal([]byte(strings.TrimSpace(text[5:])), &c); err != nil {
				s.err = fmt.Errorf("event data: %w", err)
				return
			}
			if c.Op == "created" {
				if s.got[c.TaskID]++; s.got[c.TaskID] == 1 {
					s.seen.Add(1)
				}
				s.lat = append(s.lat, now.Sub(c.At))
			}
		}
	}
}

func (s *liveStream) close() {
	if s == nil || !s.closed.CompareAndSwap(false, true) {
		return
	}
	_ = s.conn.Close()
	<-s.done
}

// writeSpread creates tasks at rate per second for d, spread over users
// and sent to the servers in turn, and returns the acknowledged task ids by
// user.
func (b *bench) writeSpread(ctx context.Context, users []*user, rate float64, d time.Duration) (map[*user][]string, int64, int64, string) {
	bases := b.replicaBases()
	acked := make(map[*user][]string, len(users))
	var mu sync.Mutex
	var writes, errs atomic.Int64
	var firstErr atomic.Value
	jobs := make(chan int, 1024)
	var wg sync.WaitGroup
	client := newClient(64)
	defer client.CloseIdleConnections()
	for range 64 {
		wg.Go(func() {
			for i := range jobs {
				u := users[i%len(users)]
				id, err := createOn(ctx, client, bases[i%len(bases)], u, i)
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				writes.Add(1)
				mu.Lock()
				acked[u] = append(acked[u], id)
				mu.Unlock()
			}
		})
	}
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	for i := 0; time.Since(start) < d && ctx.Err() == nil; i++ {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	first, _ := firstErr.Load().(string)
	return acked, writes.Load(), errs.Load(), first
}

// createOn creates u's i-th live task on the server at base.
func createOn(ctx context.Context, client *http.Client, base string, u *user, i int) (string, error) {
	body := fmt.Sprintf(`{"title":"Live task %d","tags":["live"]}`, i)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/"+u.id, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header = u.authJSON
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var created struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&created); err != nil || resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("POST /api/{user}: status %d (%v)", resp.StatusCode, err)
	}
	return created.ID, nil
}

// waitDelivered waits up to limit for every stream to have read every
// acknowledged create of its user.
func (b *bench) waitDelivered(streams []*liveStream, acked map[*user][]string, limit time.Duration) {
	want := make(map[*user]int, len(acked))
	for u, ids := range acked {
		want[u] = len(ids)
	}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		behind := 0
		for _, s := range streams {
			if s.received() < want[s.u] {
				behind++
			}
		}
		if behind == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// received counts the distinct creates the stream read so far.
func (s *liveStream) received() int { return int(s.seen.Load()) }

// tally counts, once every stream is closed, what each missed, repeated
// or read that was never acknowledged, and the latencies of all.
func (rep *streamsReport) tally(streams []*liveStream, acked map[*user][]string) {
	var lat []time.Duration
	for _, s := range streams {
		ids := acked[s.u]
		rep.Expected += int64(len(ids))
		for _, id := range ids {
			switch n := s.got[id]; {
			case n == 0:
				rep.Missing++
			case n > 1:
				rep.Duplicates += int64(n - 1)
			}
			rep.Delivered += int64(min(s.got[id], 1))
		}
		rep.Unexpected += int64(len(s.got)) - int64(countIn(s.got, ids))
		rep.Duplicates += s.dups
		if s.err != nil {
			rep.StreamErrors++
			if rep.FirstError == "" {
				rep.FirstError = s.err.Error()
			}
		}
		lat = append(lat, s.lat...)
	}
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	rep.P50ms, rep.P99ms, rep.Maxms = at(0.5), at(0.99), at(1)
}

func countIn(got map[string]int, ids []string) int {
	n := 0
	for _, id := range ids {
		if got[id] > 0 {
			n++
		}
	}
	return n
}

// sumRSS is the servers' VmRSS together.
func sumRSS(pids []int) int64 {
	var total int64
	for _, pid := range pids {
		if rss, _, err := memStatus(pid); err == nil {
			total += rss
		}
	}
	return total
}

// samplePeak records the largest sum of the servers' VmRSS until stop.
func samplePeak(pids []int) (stop func() int64) {
	var peak int64
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			peak = max(peak, sumRSS(pids))
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 { close(done); <-finished; return peak }
}

// errNeedsPostgres explains why --replicas needs PostgreSQL.
var errNeedsPostgres = errors.New("--replicas above 1 needs --store postgres: SQLite is one process's store")
