package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/adapters/httpapi/apidocs"
)

// spec is the OpenAPI document and a router over it, loaded once.
var spec = sync.OnceValues(func() (*openapiSpec, error) {
	doc, err := openapi3.NewLoader().LoadFromData(apidocs.JSON())
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

// Every route the router serves is in the document, with the same method.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	s, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	engine := MustServer(t).h.(*gin.Engine)
	var missing []string
	for _, rt := range engine.Routes() {
		path := ginToOpenAPI(rt.Path)
		if strings.Contains(rt.Path, "*") {
			continue // the docs page's static assets: files, not operations
		}
		item := s.doc.Paths.Value(path)
		if item == nil || item.GetOperation(rt.Method) == nil {
			missing = append(missing, rt.Method+" "+path)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("routes served but not in the OpenAPI document:\n%s", strings.Join(missing, "\n"))
	}
	if n := len(engine.Routes()); n < len(apidocs.Routes)+2 {
		t.Fatalf("the router has %d routes, fewer than the %d task routes plus health", n, len(apidocs.Routes))
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
