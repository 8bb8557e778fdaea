package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/adapters/httpapi"
	"github.com/todoapi/todo/core/task"
)

// spec is the OpenAPI document a server serves and a router over it,
// loaded once.
var spec = sync.OnceValues(func() (*openapiSpec, error) {
	rec := httptest.NewRecorder()
	httpapi.New(httpapi.Config{}, nil, nil, nil, slog.New(slog.DiscardHandler)).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("GET /openapi.json: %d %s", rec.Code, rec.Body)
	}
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &openapiSpec{doc: doc, router: router}, nil
})

type openapiSpec struct {
	doc    *openapi3.T
	router routers.Router
}

// checkOpenAPI fails the test when an exchange is off the document: a
// response that does not match the operation's documented responses, or a
// request the server accepted although the document forbids it. A request
// that matches no documented path must have been answered with a problem.
func checkOpenAPI(t *testing.T, r Req, resp Resp) {
	t.Helper()
	s, err := spec()
	if err != nil {
		t.Fatalf("OpenAPI document: %v", err)
	}
	body := r.Body
	if strings.TrimSpace(body) == "" {
		body = "" // white space alone is no body, to the server and the document
	}
	req := httptest.NewRequest(r.Method, "http://localhost"+r.Path, strings.NewReader(body))
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	switch {
	case body == "":
		// No body: the document's optional bodies are absent, whatever
		// Content-Type a client sent along.
		req.Header.Del("Content-Type")
	case req.Header.Get("Content-Type") == "":
		req.Header.Set("Content-Type", "application/json")
	}
	route, params, err := s.router.FindRoute(req)
	if err != nil || r.Method == http.MethodOptions {
		checkProblemShape(t, s, r, resp)
		return
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if resp.Status < 400 && r.BodyReader == nil {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("%s %s was accepted (%d) but the OpenAPI document refuses the request: %v", r.Method, r.Path, resp.Status, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.Status, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	out.SetBodyBytes(resp.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s answered %d off the OpenAPI document: %v\nbody: %s", r.Method, r.Path, resp.Status, err, resp.Body)
	}
}

// checkProblemShape checks a response to a request the document does not
// describe (the router's own 404/405, preflights): an error must still be a
// Problem as the document defines it.
func checkProblemShape(t *testing.T, s *openapiSpec, r Req, resp Resp) {
	t.Helper()
	if resp.Status < 400 {
		if r.Method != http.MethodOptions {
			t.Errorf("%s %s answered %d but the OpenAPI document has no such operation", r.Method, r.Path, resp.Status)
		}
		return
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("%s %s answered %d with Content-Type %q, want a problem", r.Method, r.Path, resp.Status, ct)
		return
	}
	var v any
	if err := json.Unmarshal(resp.Body, &v); err != nil {
		t.Errorf("%s %s: problem body is not JSON: %v", r.Method, r.Path, err)
		return
	}
	if err := s.doc.Components.Schemas["Problem"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("%s %s: body is not a Problem: %v", r.Method, r.Path, err)
	}
}

// Every route the router serves is in the document, with the same method,
// and every operation of the document is served. A route that exists only
// to refuse a method (405) is not an operation and must answer 405.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	s, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	server := MustServer(t)
	engine := server.h.(*gin.Engine)
	var missing []string
	served := map[string]bool{}
	for _, rt := range engine.Routes() {
		path := ginToOpenAPI(rt.Path)
		served[rt.Method+" "+path] = true
		if strings.Contains(rt.Path, "*") {
			continue // the docs page's static assets: files, not operations
		}
		item := s.doc.Paths.Value(path)
		if item != nil && item.GetOperation(rt.Method) != nil {
			continue
		}
		user := NewUser()
		r := Req{Method: rt.Method, Path: strings.NewReplacer(":user_id", user, ":task_id", "x").Replace(rt.Path), Token: Token(user)}
		if resp := server.MustDo(t, r); resp.Status != http.StatusMethodNotAllowed {
			missing = append(missing, rt.Method+" "+path)
		}
	}
	for path, item := range s.doc.Paths.Map() {
		for method := range item.Operations() {
			if !served[method+" "+path] {
				t.Errorf("%s %s is in the OpenAPI document but not served", method, path)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("routes served but not in the OpenAPI document:\n%s", strings.Join(missing, "\n"))
	}
}

// Every task operation describes the error responses every task route can
// produce, and is behind the bearer scheme; the task's limits are the core's.
func TestOpenAPITaskOperations(t *testing.T) {
	s, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for path, item := range s.doc.Paths.Map() {
		if !strings.HasPrefix(path, "/api/") {
			continue
		}
		for method, op := range item.Operations() {
			n++
			for _, status := range []int{401, 403, 500, 503} {
				if op.Responses.Status(status) == nil {
					t.Errorf("%s %s does not describe %d", method, path, status)
				}
			}
			if op.Security != nil && len(*op.Security) == 0 || len(s.doc.Security) == 0 {
				t.Errorf("%s %s is not behind the bearer scheme", method, path)
			}
		}
	}
	if n != 24 {
		t.Errorf("%d task operations in the document, want the 18 of both route families, the 4 of the trash and the feed and the 2 of live events", n)
	}
	taskSchema := s.doc.Components.Schemas["Task"].Value
	if got := taskSchema.Properties["title"].Value.MaxLength; got == nil || *got != task.MaxTitleLength {
		t.Errorf("Task.title maxLength = %v, want %d", got, task.MaxTitleLength)
	}
	if got := taskSchema.Properties["description"].Value.MaxLength; got == nil || *got != task.MaxDescriptionLength {
		t.Errorf("Task.description maxLength = %v, want %d", got, task.MaxDescriptionLength)
	}
}

func ginToOpenAPI(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, ":") {
			parts[i] = "{" + part[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// The check above can fail: a response off the document is caught.
func TestOpenAPICheckCatchesDrift(t *testing.T) {
	s, _ := spec()
	req := httptest.NewRequest(http.MethodGet, "http://localhost/api/alice/tasks", nil)
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		t.Fatal(err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: 200,
		Header: http.Header{"Content-Type": {"application/json"}}, Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes([]byte(`[{"id":"x","title":""}]`))
	if err := openapi3filter.ValidateResponse(context.Background(), out); err == nil {
		t.Fatal("a list of malformed tasks passed the OpenAPI check")
	}
}

// The document describes conditional requests and idempotency keys on
// every operation that takes them: the request headers, the statuses they
// bring (any status would pass checkOpenAPI through "default"), and the
// response headers.
func TestOpenAPIConditionsAndKeys(t *testing.T) {
	s, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		params   []string
		statuses []int
		headers  []string
	}
	read := want{[]string{"If-Match", "If-None-Match"}, []int{304, 400, 412}, []string{"ETag"}}
	write := want{[]string{"If-Match", "If-None-Match", "Idempotency-Key"}, []int{400, 404, 409, 412, 422}, []string{"ETag", "Idempotent-Replayed"}}
	deleted := write
	deleted.headers = []string{"Idempotent-Replayed"}
	create := want{[]string{"Idempotency-Key"}, []int{400, 409, 422}, []string{"ETag", "Idempotent-Replayed", "Location"}}
	restore := write
	n := 0
	for path, item := range s.doc.Paths.Map() {
		if !strings.HasPrefix(path, "/api/") {
			continue
		}
		for method, op := range item.Operations() {
			if syncRead(method, path) {
				continue // the trash, the feed, purge: no task's version to compare
			}
			var w want
			switch {
			case method == "GET":
				w = read
			case method == "POST" && strings.HasSuffix(path, "/restore"):
				w = restore
			case method == "POST":
				w = create
			case method == "DELETE":
				w = deleted
			default:
				w = write
			}
			n++
			var params []string
			for _, p := range op.Parameters {
				if p.Value.In == "header" {
					params = append(params, p.Value.Name)
				}
			}
			for _, p := range w.params {
				if !slices.Contains(params, p) {
					t.Errorf("%s %s does not take %s (it takes %v)", method, path, p, params)
				}
			}
			for _, status := range w.statuses {
				if op.Responses.Status(status) == nil {
					t.Errorf("%s %s does not describe %d", method, path, status)
				}
			}
			for code, resp := range op.Responses.Map() {
				if code[0] != '2' {
					continue
				}
				for _, h := range w.headers {
					if resp.Value.Headers[h] == nil {
						t.Errorf("%s %s: %s does not describe %s", method, path, code, h)
					}
				}
			}
		}
	}
	if n != 19 {
		t.Errorf("%d task operations checked, want 19 (restore included)", n)
	}
	for status, header := range map[int]string{304: "ETag", 412: "ETag"} {
		r := s.doc.Components.Responses[map[int]string{304: "NotModified", 412: "PreconditionFailed"}[status]]
		if r == nil || r.Value.Headers[header] == nil {
			t.Errorf("the shared %d response does not describe %s", status, header)
		}
	}
}

// syncRead reports the operations of the trash and the change feed that
// take no precondition or key: the lists (their pages are not versioned)
// and purge (a task removed for good has no state to compare or replay).
func syncRead(method, path string) bool {
	return path == "/api/{user_id}/trash" || path == "/api/{user_id}/changes" ||
		strings.HasPrefix(path, "/api/{user_id}/events") ||
		method == "DELETE" && strings.HasPrefix(path, "/api/{user_id}/trash/")
}
