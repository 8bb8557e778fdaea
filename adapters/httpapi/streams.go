package httpapi

import (
	"sync"
	"sync/atomic"
	"time"
)

// Streams counts a server's open event streams, beats their shared
// keep-alive pulse and runs their shared feed readers. The zero value is
// not usable; see newStreams.
type Streams struct {
	n        atomic.Int64
	onChange func(delta int) // Config.OnStream; nil: none
	pulse    *pulse
	readers  *feedReaders
}

func newStreams(keepAlive time.Duration, onChange func(int)) *Streams {
	if keepAlive <= 0 {
		keepAlive = DefaultKeepAlive
	}
	return &Streams{onChange: onChange, pulse: &pulse{every: keepAlive}, readers: &feedReaders{reads: make(chan *eventStream)}}
}

// Open returns how many streams are open now.
func (s *Streams) Open() int { return int(s.n.Load()) }

// open counts a stream in and returns what counts it out.
func (s *Streams) open() func() {
	s.n.Add(1)
	if s.onChange != nil {
		s.onChange(1)
	}
	leave := s.pulse.join()
	stop := s.readers.join()
	return func() {
		stop()
		leave()
		s.n.Add(-1)
		if s.onChange != nil {
			s.onChange(-1)
		}
	}
}

// pulse is one ticker for every stream of a server: each beat closes the
// channel the streams wait on and puts a new one in its place, so a
// stream's keep-alive costs no timer of its own. The ticker runs only
// while some stream is open.
type pulse struct {
	every time.Duration
	mu    sync.Mutex
	c     chan struct{} // closed at the next beat
	n     int           // streams joined
	stop  chan struct{} // closed when the last stream leaves
}

// join adds a stream, starting the ticker for the first, and returns what
// removes it.
func (p *pulse) join() func() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if p.n == 1 {
		p.c, p.stop = make(chan struct{}), make(chan struct{})
		go p.run(p.stop)
	}
	var once sync.Once
	return func() { once.Do(p.leave) }
}

func (p *pulse) leave() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n--
	if p.n == 0 {
		close(p.stop)
	}
}

// beat returns the channel closed at the next beat.
func (p *pulse) beat() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.c
}

func (p *pulse) run(stop chan struct{}) {
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			p.mu.Lock()
			if p.stop == stop { // else a later run beats now
				close(p.c)
				p.c = make(chan struct{})
			}
			p.mu.Unlock()
		}
	}
}

// feedReaders are the few goroutines that read the feed for every stream
// that left its request behind: a read goes deep into the store and would
// grow the stack of each stream's goroutine for good, and a few readers
// also bound how many streams read the store at once (all of them, after
// NotifyAll). They run only while some stream is open.
type feedReaders struct {
	reads chan *eventStream
	mu    sync.Mutex
	n     int           // streams joined
	stop  chan struct{} // closed when the last stream leaves
}

// readerCount is how many feed readers a server runs.
const readerCount = 8

// join adds a stream, starting the readers for the first, and returns
// what removes it.
func (r *feedReaders) join() func() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	if r.n == 1 {
		r.stop = make(chan struct{})
		for range readerCount {
			go r.run(r.stop)
		}
	}
	var once sync.Once
	return func() { once.Do(r.leave) }
}

func (r *feedReaders) leave() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n--
	if r.n == 0 {
		close(r.stop)
	}
}

// read has a reader read st's feed (see eventStream.readFeed) and waits
// for it. st must have joined.
func (r *feedReaders) read(st *eventStream) {
	r.reads <- st
	<-st.done
}

func (r *feedReaders) run(stop chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case st := <-r.reads:
			st.readFeed()
			st.done <- struct{}{}
		}
	}
}
