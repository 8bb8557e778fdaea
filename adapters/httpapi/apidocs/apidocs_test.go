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

func TestDocumentIsValidOpenAPI31(t *testing.T) {
	for name, data := range map[string][]byte{"json": apidocs.JSON(), "yaml": apidocs.YAML()} {
		t.Run(name, func(t *testing.T) {
			doc := MustLoad(t, data)
			if !doc.IsOpenAPI31OrLater() || doc.OpenAPI != "3.1.0" {
				t.Fatalf("openapi = %q, want 3.1.0", doc.OpenAPI)
			}
		})
	}
}

// Every route of the table is described, with the error responses its
// operation can produce.
func TestDocumentCoversRoutes(t *testing.T) {
	doc := MustLoad(t, apidocs.JSON())
	pathRE := regexp.MustCompile(`:([a-z_]+)`)
	for _, r := range apidocs.Routes {
		path := pathRE.ReplaceAllString(r.Path, "{$1}")
		op := doc.Paths.Find(path).GetOperation(r.Method)
		if op == nil {
			t.Errorf("%s %s is not in the document", r.Method, path)
			continue
		}
		for _, status := range []int{401, 403, 500, 503} {
			if op.Responses.Status(status) == nil {
				t.Errorf("%s %s does not describe %d", r.Method, path, status)
			}
		}
		if op.Security != nil && len(*op.Security) == 0 || len(doc.Security) == 0 {
			t.Errorf("%s %s is not behind the bearer scheme", r.Method, path)
		}
	}
	task := doc.Components.Schemas["Task"].Value
	if got := task.Properties["title"].Value.MaxLength; got == nil || *got != 200 {
		t.Errorf("Task.title maxLength = %v, want 200", got)
	}
	if got := task.Properties["description"].Value.MaxLength; got == nil || *got != 1000 {
		t.Errorf("Task.description maxLength = %v, want 1000", got)
	}
}

func TestDocsPageAssetsResolve(t *testing.T) {
	srv := httptest.NewServer(apidocs.Handler())
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
