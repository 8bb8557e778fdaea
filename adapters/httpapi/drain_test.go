package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/adapters/httpapi"
)

// Once a shutdown begins, /readyz answers 503 at once, without asking the
// database, and logs it at INFO: it is the plan, not a failure. Everything
// else is still answered.
func TestReadinessFlipsOnShutdown(t *testing.T) {
	t.Parallel()
	d := new(httpapi.Drain)
	s, user := MustServer(t, func(c *httpapi.Config) { c.Drain = d }), NewUser()
	MustStatus(t, s.MustDo(t, Req{Method: "GET", Path: "/readyz"}), http.StatusOK)

	d.Begin()
	s.repo.Set(unavailable) // not asked: the answer is the shutdown's
	r := s.MustDo(t, Req{Method: "GET", Path: "/readyz"})
	if p := MustProblem(t, r, http.StatusServiceUnavailable); !strings.Contains(p.Detail, "shutting down") || r.Header.Get("Retry-After") == "" {
		t.Fatalf("readyz while shutting down: %+v, Retry-After %q", p, r.Header.Get("Retry-After"))
	}
	MustLogged(t, s, `"level":"INFO"`, `"route":"/readyz"`, `"status":503`)
	if strings.Contains(s.logs.String(), `"level":"ERROR"`) {
		t.Fatalf("a shutdown's 503 logged as an error:\n%s", s.logs)
	}
	MustStatus(t, s.MustDo(t, Req{Method: "GET", Path: "/healthz"}), http.StatusOK)
	s.repo.Set(healthy)
	MustStatus(t, s.MustDo(t, Req{Method: "GET", Path: shortPaths.Collection(user), Token: Token(user)}), http.StatusOK)
}

// Every response written once the drain has begun carries Connection:
// close, and its connection is not reused; before, connections are kept
// alive. A response to a request that arrived before the drain began but
// is answered after carries it too.
func TestDrainClosesConnections(t *testing.T) {
	t.Parallel()
	d := new(httpapi.Drain)
	release := make(chan struct{})
	arrived := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, _ *http.Request) {
		close(arrived)
		<-release
		io.WriteString(w, "slow")
	})
	srv := httptest.NewServer(d.Handler(mux))
	defer srv.Close()
	client := srv.Client()

	get := func(path string) (closes, reused bool) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused },
		}))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.Close, reused
	}
	get("/")
	if closes, reused := get("/"); closes || !reused {
		t.Fatalf("before the drain: Connection: close %v, connection reused %v; want keep-alive", closes, reused)
	}

	slow := make(chan bool, 1)
	go func() { closes, _ := get("/slow"); slow <- closes }()
	<-arrived
	d.Begin()
	close(release)
	if !<-slow {
		t.Error("a request that arrived before the drain was answered during it without Connection: close")
	}
	for range 3 {
		if closes, reused := get("/"); !closes || reused {
			t.Errorf("during the drain: Connection: close %v, connection reused %v; want a new connection each time, closed", closes, reused)
		}
	}
}

// The writer the drain puts under the router still gives gin what its
// streaming needs (flushing, and the close notification Context.Stream
// asks for).
func TestDrainKeepsStreaming(t *testing.T) {
	t.Parallel()
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/stream", func(c *gin.Context) {
		n := 0
		c.Stream(func(w io.Writer) bool {
			n++
			io.WriteString(w, "chunk\n")
			return n < 3
		})
	})
	srv := httptest.NewServer(new(httpapi.Drain).Handler(e))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != strings.Repeat("chunk\n", 3) || len(resp.TransferEncoding) == 0 {
		t.Fatalf("streamed %q, transfer encoding %v: want 3 flushed chunks", body, resp.TransferEncoding)
	}
}
