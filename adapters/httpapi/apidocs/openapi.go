package apidocs

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

type obj = Object

// Document is the OpenAPI document of an API, encoded once, on first use.
type Document struct {
	api        API
	once       sync.Once
	json, yaml []byte
}

// New returns the document of api. Nothing is rendered until it is asked
// for, so a server that never serves it never pays for it.
func New(api API) *Document { return &Document{api: api} }

// JSON returns the document encoded as JSON.
func (d *Document) JSON() []byte { d.encode(); return d.json }

// YAML returns the document encoded as YAML.
func (d *Document) YAML() []byte { d.encode(); return d.yaml }

func (d *Document) encode() {
	d.once.Do(func() {
		var err error
		if d.json, err = json.MarshalIndent(render(d.api), "", "  "); err != nil {
			panic("apidocs: " + err.Error())
		}
		// Round-trip through JSON so the YAML has the same key order rules.
		var generic any
		_ = json.Unmarshal(d.json, &generic)
		if d.yaml, err = yaml.Marshal(generic); err != nil {
			panic("apidocs: " + err.Error())
		}
	})
}

// render builds the document as a JSON value: the operations as given,
// then the document's own endpoints.
func render(api API) obj {
	paths := obj{}
	for _, op := range api.Operations {
		path := openAPIPath(op.Path)
		item, _ := paths[path].(obj)
		if item == nil {
			item = obj{}
			if params := pathParams(op.Path); len(params) > 0 {
				item["parameters"] = params
			}
			paths[path] = item
		}
		method := strings.ToLower(op.Method)
		if item[method] != nil {
			panic("apidocs: " + op.Method + " " + op.Path + " is described twice")
		}
		item[method] = operation(op)
	}
	paths["/"] = obj{"get": obj{"operationId": "root", "summary": "Redirect to the docs page", "tags": []any{"operations"}, "security": []any{},
		"responses": obj{"302": obj{"description": "Found: the docs page.", "headers": obj{"Location": obj{
			"description": "`/docs`", "schema": obj{"type": "string", "const": "/docs"}}}}}}}
	paths["/openapi.json"] = obj{"get": docEndpoint("openapiJSON", "This document, as JSON", "application/json")}
	paths["/openapi.yaml"] = obj{"get": docEndpoint("openapiYAML", "This document, as YAML", "application/yaml")}
	paths["/docs"] = obj{"get": docEndpoint("docs", "Interactive documentation", "text/html")}
	paths["/docs/"] = obj{"get": docEndpoint("docsTrailingSlash", "Interactive documentation", "text/html")}

	tags := make([]any, 0, len(api.Tags))
	for _, t := range api.Tags {
		tags = append(tags, obj{"name": t.Name, "description": t.Description})
	}
	return obj{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info": obj{
			"title":   "Todo API",
			"version": "1.0.0",
			"description": "A multi-user task API for Next.js + Better Auth frontends. Every task belongs to the user " +
				"named by the bearer token's `sub`; the `{user_id}` in the path must equal it (403 otherwise). " +
				"Two route families reach the same handlers: `/api/{user_id}/…` and `/api/{user_id}/tasks/…`.\n\n" +
				"Every error is `application/problem+json` (RFC 9457) with a human-readable `detail`. " +
				"A request may carry a W3C `traceparent` (and `tracestate`): the server's trace of it then joins the caller's.",
		},
		"servers":    []any{obj{"url": "/"}},
		"security":   []any{obj{"bearerAuth": []any{}}},
		"tags":       tags,
		"paths":      paths,
		"components": components(api),
	}
}

var paramRE = regexp.MustCompile(`:([a-z_]+)`)

// openAPIPath turns Gin's /api/:user_id into OpenAPI's /api/{user_id}.
func openAPIPath(ginPath string) string { return paramRE.ReplaceAllString(ginPath, "{$1}") }

// parameters names the document's description of each path parameter.
var parameters = map[string]string{"user_id": "UserID", "task_id": "TaskID"}

func pathParams(ginPath string) []any {
	var params []any
	for _, m := range paramRE.FindAllStringSubmatch(ginPath, -1) {
		name, ok := parameters[m[1]]
		if !ok {
			panic("apidocs: no description of the path parameter " + m[1])
		}
		params = append(params, ref("parameters", name))
	}
	return params
}

func ref(kind, name string) obj { return obj{"$ref": "#/components/" + kind + "/" + name} }

func operation(op Operation) obj {
	o := obj{"operationId": op.ID, "tags": []any{op.Tag}, "summary": op.Summary}
	if op.Description != "" {
		o["description"] = op.Description
	}
	switch {
	case op.Public:
		o["security"] = []any{}
	case op.Ticket:
		o["security"] = []any{obj{"bearerAuth": []any{}}, obj{"eventTicket": []any{}}}
	}
	if len(op.Parameters) > 0 {
		params := make([]any, len(op.Parameters))
		for i, name := range op.Parameters {
			params[i] = ref("parameters", name)
		}
		o["parameters"] = params
	}
	if op.Body != nil {
		o["requestBody"] = obj{"required": op.Body.Required,
			"content": obj{"application/json": obj{"schema": ref("schemas", op.Body.Schema)}}}
	}
	responses := obj{strconv.Itoa(op.Success.Status): success(op.Success)}
	for _, status := range op.Errors {
		name, ok := errorResponses[status]
		if n, given := op.Responses[status]; given {
			name, ok = n, true
		}
		if !ok {
			panic("apidocs: no shared response for status " + strconv.Itoa(status))
		}
		responses[strconv.Itoa(status)] = ref("responses", name)
	}
	// The router's own 404 and 405 can answer any path.
	responses["default"] = ref("responses", "Problem")
	o["responses"] = responses
	return o
}

// errorResponses names the shared response of each error status.
// (and of 304, which is no error but is shared alike).
var errorResponses = map[int]string{
	http.StatusNotModified: "NotModified",
	http.StatusBadRequest:  "BadRequest", http.StatusUnauthorized: "Unauthorized", http.StatusForbidden: "Forbidden",
	http.StatusNotFound: "NotFound", http.StatusConflict: "Conflict", http.StatusPreconditionFailed: "PreconditionFailed",
	http.StatusRequestEntityTooLarge: "TooLarge", http.StatusUnprocessableEntity: "Invalid",
	http.StatusTooManyRequests: "TooMany", http.StatusGone: "Gone",
	http.StatusInternalServerError: "Internal", http.StatusServiceUnavailable: "Unavailable",
}

func success(r Response) obj {
	headers := obj{"X-Request-Id": ref("headers", "XRequestId")}
	if r.Location {
		headers["Location"] = ref("headers", "Location")
	}
	for _, name := range r.Headers {
		headers[name] = ref("headers", name)
	}
	out := obj{"description": r.Description, "headers": headers}
	if r.Schema != nil {
		mediaType := r.ContentType
		if mediaType == "" {
			mediaType = "application/json"
		}
		out["content"] = obj{mediaType: obj{"schema": r.Schema}}
	}
	return out
}

func docEndpoint(id, summary, mediaType string) obj {
	return obj{"operationId": id, "summary": summary, "tags": []any{OperationsTag}, "security": []any{},
		"responses": obj{"200": obj{"description": "OK.", "content": obj{mediaType: obj{"schema": obj{"type": "string"}}}}}}
}
