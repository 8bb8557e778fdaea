package apidocs_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/todoapi/todo/adapters/httpapi/apidocs"
)

func MustLoad(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	return doc
}

// api is a small API of the kinds of operation the adapter has: one that
// acts for a user and reads a body, one that needs no token.
var api = apidocs.API{
	Tags: []apidocs.Tag{{Name: "things", Description: "Things."}, {Name: apidocs.OperationsTag, Description: "Operations."}},
	Operations: []apidocs.Operation{
		{
			Method: http.MethodPost, Path: "/api/:user_id/:task_id/things", ID: "addThing", Tag: "things",
			Summary: "Add a thing", Description: "Adds it.",
			Body:    &apidocs.Body{Schema: "Thing", Required: true},
			Success: apidocs.Response{Status: http.StatusCreated, Description: "The thing.", Schema: apidocs.SchemaRef("Thing"), Location: true},
			Errors:  []int{401, 403, 422, 500, 503},
		},
		{
			Method: http.MethodGet, Path: "/api/:user_id/:task_id/things", ID: "listThings", Tag: "things", Summary: "List things",
			Parameters: []string{"Limit"},
			Success: apidocs.Response{Status: http.StatusOK, Description: "The things.", Schema: apidocs.ArrayOf(apidocs.SchemaRef("Thing")),
				Headers: []string{"Link"}},
			Errors: []int{401, 403, 500, 503},
		},
		{
			Method: http.MethodGet, Path: "/ping", ID: "ping", Tag: apidocs.OperationsTag, Summary: "Ping", Public: true,
			Success: apidocs.Response{Status: http.StatusNoContent, Description: "Pong."},
		},
	},
	Schemas:    map[string]apidocs.Object{"Thing": {"type": "object", "properties": apidocs.Object{"name": apidocs.Object{"type": "string", "maxLength": 7}}}},
	Parameters: map[string]apidocs.Object{"Limit": {"name": "limit", "in": "query", "schema": apidocs.Object{"type": "integer", "maximum": 9}}},
	Headers:    map[string]apidocs.Object{"Link": {"description": "The next page.", "schema": apidocs.Object{"type": "string"}}},
}

func TestDocumentIsValidOpenAPI31(t *testing.T) {
	d := apidocs.New(api)
	for name, data := range map[string][]byte{"json": d.JSON(), "yaml": d.YAML()} {
		t.Run(name, func(t *testing.T) {
			doc := MustLoad(t, data)
			if !doc.IsOpenAPI31OrLater() || doc.OpenAPI != "3.1.0" {
				t.Fatalf("openapi = %q, want 3.1.0", doc.OpenAPI)
			}
		})
	}
}

// Every operation given is described as given, and nothing else but the
// document's own endpoints.
func TestDocumentRendersOperations(t *testing.T) {
	doc := MustLoad(t, apidocs.New(api).JSON())
	pathRE := regexp.MustCompile(`:([a-z_]+)`)
	for _, want := range api.Operations {
		path := pathRE.ReplaceAllString(want.Path, "{$1}")
		op := doc.Paths.Find(path).GetOperation(want.Method)
		if op == nil {
			t.Errorf("%s %s is not in the document", want.Method, path)
			continue
		}
		if op.OperationID != want.ID || op.Summary != want.Summary || op.Description != want.Description || op.Tags[0] != want.Tag {
			t.Errorf("%s %s: id %q, summary %q, description %q, tags %v", want.Method, path, op.OperationID, op.Summary, op.Description, op.Tags)
		}
		for _, status := range append([]int{want.Success.Status}, want.Errors...) {
			if op.Responses.Status(status) == nil {
				t.Errorf("%s %s does not describe %d", want.Method, path, status)
			}
		}
		if n := op.Responses.Len(); n != len(want.Errors)+2 {
			t.Errorf("%s %s has %d responses, want its %d, success and default", want.Method, path, n, len(want.Errors))
		}
		if public := op.Security != nil && len(*op.Security) == 0; public != want.Public {
			t.Errorf("%s %s: public %v, want %v", want.Method, path, public, want.Public)
		}
		if (op.RequestBody != nil) != (want.Body != nil) {
			t.Errorf("%s %s: request body %v, want %v", want.Method, path, op.RequestBody, want.Body)
		}
		if got := op.Responses.Status(want.Success.Status).Value.Headers["Location"] != nil; got != want.Success.Location {
			t.Errorf("%s %s: Location header %v, want %v", want.Method, path, got, want.Success.Location)
		}
	}
	if n := doc.Paths.Len(); n != 2+5 {
		t.Errorf("the document has %d paths, want the 2 given and its own 5 (/, /docs, /docs/, /openapi.json, /openapi.yaml)", n)
	}
	if got := doc.Paths.Value("/api/{user_id}/{task_id}/things").Parameters; len(got) != 2 {
		t.Errorf("path parameters %v, want user_id and task_id", got)
	}
	list := doc.Paths.Value("/api/{user_id}/{task_id}/things").Get
	if got := list.Parameters.GetByInAndName("query", "limit"); got == nil || *got.Schema.Value.Max != 9 {
		t.Errorf("listThings's limit parameter = %v, want the one given", got)
	}
	if got := list.Responses.Status(http.StatusOK).Value.Headers["Link"]; got == nil || got.Value.Description != "The next page." {
		t.Errorf("listThings's Link header = %v, want the one given", got)
	}
	if got := doc.Components.Schemas["Thing"].Value.Properties["name"].Value.MaxLength; got == nil || *got != 7 {
		t.Errorf("Thing.name maxLength = %v, want the 7 given", got)
	}
	if len(doc.Tags) != 2 || doc.Tags[0].Name != "things" {
		t.Errorf("tags %v, want those given", doc.Tags)
	}
}

func TestDocsPageAssetsResolve(t *testing.T) {
	srv := httptest.NewServer(apidocs.New(api).Handler())
	defer srv.Close()
	page := MustGet(t, srv.URL+"/docs", "text/html")
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 3 {
		t.Fatalf("the page references %d assets, want the script, style and icon", len(refs))
	}
	for _, ref := range refs {
		url := ref[1]
		if !strings.HasPrefix(url, "/") || strings.HasPrefix(url, "//") {
			t.Errorf("%s is not served by this server", url)
			continue
		}
		MustGet(t, srv.URL+url, "")
	}
	js := MustGet(t, srv.URL+"/docs/assets/docs.js", "")
	if !strings.Contains(js, `url: "/openapi.json"`) {
		t.Error("the docs page does not load this server's document")
	}
	MustGet(t, srv.URL+"/openapi.yaml", "application/yaml")
	MustGet(t, srv.URL+"/openapi.json", "application/json")
}

func MustGet(t *testing.T, url, wantType string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || len(b) == 0 {
		t.Fatalf("GET %s = %s with %d bytes", url, resp.Status, len(b))
	}
	if ct := resp.Header.Get("Content-Type"); wantType != "" && !strings.HasPrefix(ct, wantType) {
		t.Fatalf("GET %s Content-Type = %q, want %s", url, ct, wantType)
	}
	return string(b)
}
