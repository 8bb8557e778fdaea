package apidocs

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed assets
var assets embed.FS

// Paths are the paths Handler serves; the HTTP adapter mounts it on each.
var Paths = []string{"/openapi.json", "/openapi.yaml", "/docs", "/docs/", "/docs/assets/*file"}

// csp lets the docs page load only what this server serves. Swagger UI sets
// inline styles and shows schema images as data: URLs.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'"

// Handler serves the document and the docs page, all from the binary: the
// page works with no network beyond this server.
func (d *Document) Handler() http.Handler {
	static, _ := fs.Sub(assets, "assets")
	files := http.StripPrefix("/docs/assets/", http.FileServerFS(static))
	page, _ := fs.ReadFile(assets, "assets/docs.html")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(d.JSON())
	})
	mux.HandleFunc("GET /openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(d.YAML())
	})
	servePage := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", csp)
		w.Write(page)
	}
	mux.HandleFunc("GET /docs", servePage)
	mux.HandleFunc("GET /docs/{$}", servePage)
	mux.Handle("GET /docs/assets/", files)
	return mux
}
