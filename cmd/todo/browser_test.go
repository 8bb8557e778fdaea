package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/todoapi/todo/internal/testkit"
)

// The API called from a page on another origin, by headless Chromium
// (Debian's package, never a downloaded browser). The pages are in
// testdata/browser; each leaves its outcome in window.result.

// pageResult is what testdata/browser/crud.js leaves in window.result.
type pageResult struct {
	OK       bool     `json:"ok"`
	Steps    []string `json:"steps"`
	TaskID   string   `json:"taskId"`
	Location string   `json:"location"`
	UserID   string   `json:"userId"`
	Name     string   `json:"name"` // of the error, when !OK
	Message  string   `json:"message"`
}

var allSteps = []string{"create", "list", "toggle", "precondition", "replay", "delete"}

// Browser is a headless Chromium with one tab, and what it logged.
type Browser struct {
	ctx     context.Context
	console *testkit.Buffer
}

// MustBrowser starts headless Chromium with a fresh profile, with the flags
// it needs as root on a machine with no outside network.
func MustBrowser(t *testing.T) *Browser {
	t.Helper()
	path := MustTool(t, "Chromium", "chromium", "Debian's chromium package")
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() }) // before t.TempDir's removal
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	b := &Browser{ctx: ctx, console: &testkit.Buffer{}}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *log.EventEntryAdded: // where Chromium reports a CORS refusal
			b.console.Write([]byte(ev.Entry.Text + "\n"))
		case *runtime.EventConsoleAPICalled:
			for _, a := range ev.Args {
				b.console.Write(append(a.Value, ' '))
			}
			b.console.Write([]byte("\n"))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// MustRun opens the page and waits for its window.result.
func (b *Browser) MustRun(t *testing.T, pageURL string) pageResult {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(pageURL)); err != nil {
		t.Fatalf("navigate to %s: %v", pageURL, err)
	}
	res, err := chromedp.Run(b.ctx, chromedp.Poll[pageResult]("window.result", chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("%s left no result: %v\nconsole:\n%s", pageURL, err, b.console)
	}
	return res
}

// pages serves testdata/browser on a new origin, http://127.0.0.1:PORT.
func pages(t *testing.T, mux *http.ServeMux) *httptest.Server {
	t.Helper()
	return pagesOn(t, "127.0.0.1", mux)
}

// pagesOn serves testdata/browser on a new origin on the loopback address
// ip. 127.0.0.2 makes an origin that is on this machine but that the API,
// in development, does not take for a local dev server.
func pagesOn(t *testing.T, ip string, mux *http.ServeMux) *httptest.Server {
	t.Helper()
	if mux == nil {
		mux = http.NewServeMux()
	}
	mux.Handle("/", http.FileServer(http.Dir("testdata/browser")))
	srv := httptest.NewUnstartedServer(mux)
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// A page on an origin in CORS_ALLOWED_ORIGINS creates, lists, toggles,
// writes under If-Match and an Idempotency-Key (reading ETag and
// Idempotent-Replayed, which CORS must expose) and deletes through fetch, and so, in development, does one on another port
// of localhost; the same page on another origin is stopped by the browser
// at the first request, nothing reaches the API, and the API's log names
// the origin and the setting that would admit it.
func TestBrowserCORS(t *testing.T) {
	t.Parallel()
	browser := MustBrowser(t)
	allowed, local := pages(t, nil), pages(t, nil) // 127.0.0.1 on two ports: two origins
	other := pagesOn(t, "127.0.0.2", nil)
	dir := t.TempDir()
	env := cleanEnv("CORS_ALLOWED_ORIGINS=" + allowed.URL)
	srv := MustStart(t, dir, env)
	const user = "browser_user"
	token := MustToken(t, dir, env, user)
	fragment := "#" + url.Values{"api": {srv.URL}, "user": {user}, "token": {token}}.Encode()

	t.Run("AllowedOrigin", func(t *testing.T) {
		res := browser.MustRun(t, allowed.URL+"/crud.html"+fragment)
		if !res.OK || strings.Join(res.Steps, ",") != strings.Join(allSteps, ",") {
			t.Fatalf("page on %s: %+v; want every step to pass\nconsole:\n%s", allowed.URL, res, browser.console)
		}
		if !strings.HasSuffix(res.Location, res.TaskID) {
			t.Errorf("the page could not read Location (%q): the API does not expose it", res.Location)
		}
	})

	t.Run("LocalDevServer", func(t *testing.T) {
		res := browser.MustRun(t, local.URL+"/crud.html"+fragment)
		if !res.OK || strings.Join(res.Steps, ",") != strings.Join(allSteps, ",") {
			t.Fatalf("page on %s, not in CORS_ALLOWED_ORIGINS, in development: %+v; want every step to pass\nconsole:\n%s", local.URL, res, browser.console)
		}
	})

	t.Run("OtherOrigin", func(t *testing.T) {
		res := browser.MustRun(t, other.URL+"/crud.html"+fragment)
		if res.OK || res.Name != "TypeError" {
			t.Fatalf("page on %s: %+v; want fetch to throw a TypeError", other.URL, res)
		}
		if log := browser.console.String(); !strings.Contains(log, "blocked by CORS policy") || !strings.Contains(log, other.URL) {
			t.Errorf("Chromium did not report a CORS refusal for %s:\n%s", other.URL, log)
		}
		// The preflight was refused, so the POST was never sent.
		status, _, body := Do(t, "GET", srv.URL+"/api/"+user+"/tasks", token, "")
		if status != http.StatusOK || strings.Contains(string(body), other.URL) {
			t.Errorf("tasks after the refused page: %d %s; want none from %s", status, body, other.URL)
		}
		if logs := srv.logs.String(); !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "origin="+other.URL) ||
			!strings.Contains(logs, "CORS_ALLOWED_ORIGINS") {
			t.Errorf("the API did not log the refused origin %s:\n%s", other.URL, logs)
		}
	})
	srv.Stop(t)
}

// A page on an allowed origin follows its tasks live: it gets a ticket with
// fetch, opens an EventSource with it, creates a task with fetch and sees
// its own task.created event, whose lastEventId is the change's cursor.
func TestBrowserLiveEvents(t *testing.T) {
	t.Parallel()
	browser := MustBrowser(t)
	allowed := pages(t, nil)
	dir := t.TempDir()
	env := cleanEnv("CORS_ALLOWED_ORIGINS=" + allowed.URL)
	srv := MustStart(t, dir, env)
	const user = "live_user"
	token := MustToken(t, dir, env, user)
	fragment := "#" + url.Values{"api": {srv.URL}, "user": {user}, "token": {token}}.Encode()
	res := browser.MustRun(t, allowed.URL+"/events.html"+fragment)
	if !res.OK || strings.Join(res.Steps, ",") != "ticket,open,create,event" {
		t.Fatalf("page on %s: %+v; want every step to pass\nconsole:\n%s\nserver:\n%s", allowed.URL, res, browser.console, srv.logs)
	}
	srv.Stop(t)
}

// The documented frontend code (README, docs/better-auth.md), in a browser: a page served from the same
// origin as Better Auth (Better Auth behind the frontend's /api/auth/, as in
// a Next.js app; BETTER_AUTH_URL is the frontend's URL) signs up, gets its
// JWT from /api/auth/token and calls the API on another origin.
func TestBrowserBetterAuth(t *testing.T) {
	t.Parallel()
	MustNodeHarness(t)
	browser := MustBrowser(t)

	var authTarget atomic.Pointer[url.URL] // set once Better Auth runs
	mux := http.NewServeMux()
	mux.Handle("/api/auth/", &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(authTarget.Load())
		r.Out.Host = r.In.Host // Better Auth sees the frontend's host, as behind Next.js
	}})
	frontend := pages(t, mux)
	ba := MustStartBetterAuth(t, frontend.URL)
	target, _ := url.Parse(ba.URL)
	authTarget.Store(target)

	srv := MustStart(t, t.TempDir(), cleanEnv("APP_ENV=production",
		"BETTER_AUTH_URL="+frontend.URL, "CORS_ALLOWED_ORIGINS="+frontend.URL))
	fragment := "#" + url.Values{"api": {srv.URL}, "email": {"browser@example.test"}}.Encode()
	res := browser.MustRun(t, frontend.URL+"/betterauth.html"+fragment)
	if !res.OK || strings.Join(res.Steps, ",") != strings.Join(allSteps, ",") || res.UserID == "" {
		t.Fatalf("%+v; want every step to pass\nconsole:\n%s\nBetter Auth:\n%s", res, browser.console, ba.logs)
	}
	srv.Stop(t)
}
