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

type obj = map[string]any

// Document returns the OpenAPI 3.1 document as a JSON value. It is built
// from Routes, so a route cannot exist without its description.
func Document() obj {
	paths := obj{}
	for _, r := range Routes {
		path := openAPIPath(r.Path)
		item, _ := paths[path].(obj)
		if item == nil {
			item = obj{"parameters": pathParams(path)}
			paths[path] = item
		}
		item[strings.ToLower(r.Method)] = operation(r)
	}
	paths["/"] = obj{"get": obj{"operationId": "root", "summary": "Redirect to the docs page", "tags": []any{"operations"}, "security": []any{},
		"responses": obj{"302": obj{"description": "Found: the docs page.", "headers": obj{"Location": obj{
			"description": "`/docs`", "schema": obj{"type": "string", "const": "/docs"}}}}}}}
	paths["/healthz"] = obj{"get": opsEndpoint("health", "Liveness: the process is up", "Answers 200 while the process runs; it checks no dependency.", false)}
	paths["/readyz"] = obj{"get": opsEndpoint("ready", "Readiness: the database is reachable", "Answers 200 when the database answers a ping, 503 with Retry-After when it does not.", true)}
	paths["/openapi.json"] = obj{"get": docEndpoint("openapiJSON", "This document, as JSON", "application/json")}
	paths["/openapi.yaml"] = obj{"get": docEndpoint("openapiYAML", "This document, as YAML", "application/yaml")}
	paths["/docs"] = obj{"get": docEndpoint("docs", "Interactive documentation", "text/html")}
	paths["/docs/"] = obj{"get": docEndpoint("docsTrailingSlash", "Interactive documentation", "text/html")}

	return obj{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info": obj{
			"title":   "Todo API",
			"version": "1.0.0",
			"description": "A multi-user task API for Next.js + Better Auth frontends. Every task belongs to the user " +
				"named by the bearer token's `sub`; the `{user_id}` in the path must equal it (403 otherwise). " +
				"Two route families reach the same handlers: `/api/{user_id}/…` and `/api/{user_id}/tasks/…`.\n\n" +
				"Every error is `application/problem+json` (RFC 9457) with a human-readable `detail`.",
		},
		"servers":  []any{obj{"url": "/"}},
		"security": []any{obj{"bearerAuth": []any{}}},
		"tags": []any{
			obj{"name": "tasks", "description": "Task routes: `/api/{user_id}/` and `/api/{user_id}/{task_id}`"},
			obj{"name": "tasks (hackathon routes)", "description": "The same operations under `/api/{user_id}/tasks`"},
			obj{"name": "operations", "description": "Health, readiness and documentation"},
		},
		"paths":      paths,
		"components": components(),
	}
}

var paramRE = regexp.MustCompile(`:([a-z_]+)`)

// openAPIPath turns Gin's /api/:user_id into OpenAPI's /api/{user_id}.
func openAPIPath(ginPath string) string { return paramRE.ReplaceAllString(ginPath, "{$1}") }

func pathParams(path string) []any {
	params := []any{ref("parameters", "UserID")}
	if strings.Contains(path, "{task_id}") {
		params = append(params, ref("parameters", "TaskID"))
	}
	return params
}

func ref(kind, name string) obj { return obj{"$ref": "#/components/" + kind + "/" + name} }

// operationID names an operation uniquely: the seed family's plain, the
// hackathon family's with a suffix, and trailing-slash variants marked.
func operationID(r Route) string {
	names := map[Op]string{OpList: "listTasks", OpCreate: "createTask", OpGet: "getTask", OpDelete: "deleteTask", OpToggle: "toggleTask", OpComplete: "completeTask"}
	name, ok := names[r.Op]
	if r.Op == OpUpdate {
		name, ok = "replaceTask", true
		if r.Method == http.MethodPatch {
			name = "patchTask"
		}
	}
	if !ok {
		panic("apidocs: unknown op " + strconv.Itoa(int(r.Op)))
	}
	if r.Family == "hackathon" {
		name += "ViaTasksPath"
	}
	if strings.HasSuffix(r.Path, "/") {
		name += "TrailingSlash"
	}
	return name
}

func operation(r Route) obj {
	op := obj{"operationId": operationID(r), "tags": []any{"tasks"}}
	if r.Family == "hackathon" {
		op["tags"] = []any{"tasks (hackathon routes)"}
	}
	errs := []int{401, 403}
	switch r.Op {
	case OpList:
		op["summary"] = "List the user's tasks, newest first"
		op["responses"] = responses(obj{"200": jsonResponse("The user's tasks (an empty array when there are none), newest first.", obj{"type": "array", "items": ref("schemas", "Task")})}, errs)
	case OpCreate:
		op["summary"] = "Create a task"
		op["requestBody"] = body("TaskCreate", true)
		created := jsonResponse("The created task.", ref("schemas", "Task"))
		created["headers"] = obj{"Location": ref("headers", "Location"), "X-Request-Id": ref("headers", "XRequestId")}
		op["responses"] = responses(obj{"201": created}, append(errs, 400, 413, 422))
	case OpGet:
		op["summary"] = "Get one task"
		op["responses"] = responses(obj{"200": jsonResponse("The task.", ref("schemas", "Task"))}, append(errs, 404))
	case OpUpdate:
		op["summary"] = "Update the fields given (merge semantics; PUT and PATCH behave alike)"
		op["description"] = "Only the fields present change. `\"description\": null` clears the description; `\"title\": null` is a 422. Read-only and unknown fields are ignored."
		op["requestBody"] = body("TaskUpdate", true)
		op["responses"] = responses(obj{"200": jsonResponse("The updated task.", ref("schemas", "Task"))}, append(errs, 400, 404, 413, 422))
	case OpDelete:
		op["summary"] = "Delete a task"
		op["responses"] = responses(obj{"204": obj{"description": "Deleted; no body.", "headers": obj{"X-Request-Id": ref("headers", "XRequestId")}}}, append(errs, 404))
	case OpToggle:
		op["summary"] = "Flip the task's completed flag"
		op["responses"] = responses(obj{"200": jsonResponse("The task after the flip.", ref("schemas", "Task"))}, append(errs, 404))
	case OpComplete:
		op["summary"] = "Set the completed flag, or flip it when no body is sent"
		op["requestBody"] = body("TaskComplete", false)
		op["responses"] = responses(obj{"200": jsonResponse("The task after the change.", ref("schemas", "Task"))}, append(errs, 400, 404, 413, 422))
	}
	return op
}

func body(schema string, required bool) obj {
	return obj{"required": required, "content": obj{"application/json": obj{"schema": ref("schemas", schema)}}}
}

func jsonResponse(description string, schema obj) obj {
	return obj{
		"description": description,
		"headers":     obj{"X-Request-Id": ref("headers", "XRequestId")},
		"content":     obj{"application/json": obj{"schema": schema}},
	}
}

// responses adds the shared error responses, 500 and 503 (every task route
// reaches the database) and a default for the router's own 404 and 405.
func responses(success obj, statuses []int) obj {
	names := map[int]string{400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 413: "TooLarge", 422: "Invalid"}
	for _, s := range statuses {
		success[strconv.Itoa(s)] = ref("responses", names[s])
	}
	success["500"] = ref("responses", "Internal")
	success["503"] = ref("responses", "Unavailable")
	success["default"] = ref("responses", "Problem")
	return success
}

func opsEndpoint(id, summary, description string, canFail bool) obj {
	status := obj{"type": "object", "required": []any{"status"}, "properties": obj{"status": obj{"type": "string"}}}
	r := obj{"200": jsonResponse("OK.", status), "default": ref("responses", "Problem")}
	if canFail {
		r["503"] = ref("responses", "Unavailable")
	}
	return obj{"operationId": id, "summary": summary, "description": description, "tags": []any{"operations"}, "security": []any{}, "responses": r}
}

func docEndpoint(id, summary, mediaType string) obj {
	return obj{"operationId": id, "summary": summary, "tags": []any{"operations"}, "security": []any{},
		"responses": obj{"200": obj{"description": "OK.", "content": obj{mediaType: obj{"schema": obj{"type": "string"}}}}}}
}

var (
	encodeOnce sync.Once
	jsonDoc    []byte
	yamlDoc    []byte
)

// JSON returns the document encoded as JSON.
func JSON() []byte { encode(); return jsonDoc }

// YAML returns the document encoded as YAML.
func YAML() []byte { encode(); return yamlDoc }

func encode() {
	encodeOnce.Do(func() {
		var err error
		if jsonDoc, err = json.MarshalIndent(Document(), "", "  "); err != nil {
			panic("apidocs: " + err.Error())
		}
		// Round-trip through JSON so the YAML has the same key order rules.
		var generic any
		_ = json.Unmarshal(jsonDoc, &generic)
		if yamlDoc, err = yaml.Marshal(generic); err != nil {
			panic("apidocs: " + err.Error())
		}
	})
}
