package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/todoapi/todo/internal/testkit"
)

// The interop tests run real third-party software beside the binary: a
// Better Auth server and the jose package (Node, testdata/interop, installed
// by `npm ci` there) and Chromium. Outside CI a missing tool skips the test;
// under CI=true it fails it, so CI can never pass by skipping.

// interopDir holds the Node harness: package.json, its lock file and scripts.
const interopDir = "testdata/interop"

// MustTool returns the path of an external program, or skips the test when
// it is missing outside CI. group names the tests that need it in the
// summary of skips; why says what installs it.
func MustTool(t *testing.T, group, name, why string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		testkit.Missing(t, group, name+" is not installed ("+why+")")
	}
	return path
}

// MustNodeHarness returns the absolute path of the harness folder after
// checking that node and the harness's packages are installed.
func MustNodeHarness(t *testing.T) string {
	t.Helper()
	MustTool(t, nodeGroup, "node", "Node.js 20 or later")
	dir, err := filepath.Abs(interopDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"better-auth", "better-sqlite3", "jose"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
			testkit.Missing(t, nodeGroup, "the harness's packages are not installed: run `npm ci` in cmd/todo/"+interopDir)
		}
	}
	return dir
}

// nodeGroup names the tests that need the Node harness in the summary of
// skips.
const nodeGroup = "Better Auth and jose (Node.js)"

// BetterAuth is a real Better Auth server (testdata/interop/server.mjs):
// docs/better-auth.md's configuration, email and password sign-up, the
// jwt() plugin and better-sqlite3, in a fresh directory.
type BetterAuth struct {
	URL     string // where it listens
	BaseURL string // BETTER_AUTH_URL: the tokens' iss and aud, and where the JWKS is found
	Secret  string
	cmd     *exec.Cmd
	stdin   io.Closer
	logs    *testkit.Buffer
	done    chan struct{}
}

// MustStartBetterAuth starts the harness on a free loopback port and waits
// for it to print "ready". baseURL is its BETTER_AUTH_URL; empty means its
// own address (a frontend in front of it passes its own origin). extraEnv
// sets server.mjs's test-only settings. The harness exits when the test
// ends: on SIGTERM, and also when its standard input closes, which happens
// even if this process dies.
func MustStartBetterAuth(t *testing.T, baseURL string, extraEnv ...string) *BetterAuth {
	t.Helper()
	harness := MustNodeHarness(t)
	addr := testkit.FreeAddr(t)
	ba := &BetterAuth{URL: "http://" + addr, BaseURL: baseURL, Secret: randomSecret(t), logs: &testkit.Buffer{}, done: make(chan struct{})}
	if ba.BaseURL == "" {
		ba.BaseURL = ba.URL
	}
	port := addr[strings.LastIndex(addr, ":")+1:]
	cmd := exec.Command("node", filepath.Join(harness, "server.mjs"))
	cmd.Dir = t.TempDir() // auth.db goes here
	cmd.Env = cleanEnv(append([]string{"PORT=" + port, "BETTER_AUTH_URL=" + ba.BaseURL, "BETTER_AUTH_SECRET=" + ba.Secret}, extraEnv...)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	ready := &readyWriter{logs: ba.logs, ready: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = ready, ba.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ba.cmd, ba.stdin = cmd, stdin
	go func() { _ = cmd.Wait(); close(ba.done) }()
	t.Cleanup(func() { ba.stop() })

	select {
	case <-ready.ready:
		return ba
	case <-ba.done:
		t.Fatalf("Better Auth exited at start:\n%s", ba.logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("Better Auth did not print ready:\n%s", ba.logs)
	}
	return nil
}

// readyWriter collects the harness's output and closes ready once a line
// starts with "ready ".
type readyWriter struct {
	logs  *testkit.Buffer
	once  sync.Once
	ready chan struct{}
}

func (w *readyWriter) Write(p []byte) (int, error) {
	n, err := w.logs.Write(p)
	if out := w.logs.String(); strings.HasPrefix(out, "ready ") || strings.Contains(out, "\nready ") {
		w.once.Do(func() { close(w.ready) })
	}
	return n, err
}

// Stop ends the server (SIGTERM) and waits for it to exit.
func (ba *BetterAuth) Stop(t *testing.T) {
	t.Helper()
	if !ba.stop() {
		t.Fatalf("Better Auth did not exit on SIGTERM:\n%s", ba.logs)
	}
}

func (ba *BetterAuth) stop() bool {
	_ = ba.cmd.Process.Signal(syscall.SIGTERM)
	_ = ba.stdin.Close()
	select {
	case <-ba.done:
		return true
	case <-time.After(10 * time.Second):
		_ = ba.cmd.Process.Kill()
		<-ba.done
		return false
	}
}

// baUser is a signed-up Better Auth user with a logged-in HTTP client: its
// cookie jar holds the session cookie, as a browser's would.
type baUser struct {
	ID, Email string
	client    *http.Client
}

// MustSignUp creates a user with email and password (POST
// /api/auth/sign-up/email), which also logs them in.
func (ba *BetterAuth) MustSignUp(t *testing.T, name string) *baUser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u := &baUser{Email: name + "@example.test", client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	body, _ := json.Marshal(map[string]string{"name": name, "email": u.Email, "password": "correct horse battery staple"})
	var out struct {
		User struct{ ID string } `json:"user"`
	}
	ba.mustCall(t, u.client, "POST", "/api/auth/sign-up/email", body, &out)
	if out.User.ID == "" {
		t.Fatalf("sign-up of %s answered no user id", name)
	}
	u.ID = out.User.ID
	return u
}

// MustToken gets a JWT for the user's session (GET /api/auth/token).
func (ba *BetterAuth) MustToken(t *testing.T, u *baUser) string {
	t.Helper()
	var out struct{ Token string }
	ba.mustCall(t, u.client, "GET", "/api/auth/token", nil, &out)
	if strings.Count(out.Token, ".") != 2 {
		t.Fatalf("/api/auth/token answered %q, not a JWT", out.Token)
	}
	return out.Token
}

// MustKIDs lists the key ids Better Auth publishes at /api/auth/jwks.
func (ba *BetterAuth) MustKIDs(t *testing.T) []string {
	t.Helper()
	var out struct{ Keys []struct{ KID string } }
	ba.mustCall(t, http.DefaultClient, "GET", "/api/auth/jwks", nil, &out)
	kids := make([]string, 0, len(out.Keys))
	for _, k := range out.Keys {
		kids = append(kids, k.KID)
	}
	return kids
}

func (ba *BetterAuth) mustCall(t *testing.T, c *http.Client, method, path string, body []byte, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, ba.URL+path, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("Better Auth %s %s: %v\n%s", method, path, err, ba.logs)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("Better Auth %s %s: %d %s\n%s", method, path, resp.StatusCode, b, ba.logs)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("Better Auth %s %s: %v in %s", method, path, err, b)
	}
}

// MustSignHS256 signs a token for sub with the secret, the way Next.js
// frontends do with jose (testdata/interop/sign-hs256.mjs).
func MustSignHS256(t *testing.T, secret, sub string) string {
	t.Helper()
	harness := MustNodeHarness(t)
	cmd := exec.Command("node", filepath.Join(harness, "sign-hs256.mjs"), sub)
	cmd.Env = cleanEnv("BETTER_AUTH_SECRET=" + secret)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sign-hs256.mjs: %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// tokenHeader decodes a JWT's protected header.
func tokenHeader(t *testing.T, token string) (alg, kid string) {
	t.Helper()
	seg, _, _ := strings.Cut(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(seg)
	var h struct{ Alg, Kid string }
	if err == nil {
		err = json.Unmarshal(b, &h)
	}
	if err != nil {
		t.Fatalf("token header %q: %v", seg, err)
	}
	return h.Alg, h.Kid
}

// randomSecret is a BETTER_AUTH_SECRET: 32 random bytes, base64.
func randomSecret(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}
