// Package apidocs renders the API's OpenAPI 3.1 document from the
// operations and schemas the HTTP adapter gives it, and serves it with an
// interactive docs page whose assets are built into the binary. It knows no
// route of its own besides the document's and the page's: the adapter's
// route table is the one list of operations, and this package renders it.
package apidocs

// Object is a JSON object of the document: a schema, an example.
type Object = map[string]any

// API is what the document describes besides the document itself.
type API struct {
	Tags       []Tag
	Operations []Operation
	Schemas    map[string]Object // the named schemas that operations refer to
	// Parameters are the named parameters (query or header) that
	// operations refer to, each an OpenAPI Parameter Object.
	Parameters map[string]Object
	// Headers are the named response headers that successes refer to,
	// each an OpenAPI Header Object; the map's key is also its name in
	// the response.
	Headers map[string]Object
}

// Tag groups operations on the docs page.
type Tag struct{ Name, Description string }

// OperationsTag is the tag of the document's own endpoints; the adapter
// puts its health checks under it too.
const OperationsTag = "operations"

// Operation is one method and path, described.
type Operation struct {
	Method      string // as net/http spells it
	Path        string // in Gin's syntax: /api/:user_id
	ID          string // the operationId: unique, and stable, since clients generate code from it
	Tag         string
	Summary     string
	Description string
	Public      bool     // needs no bearer token
	Ticket      bool     // an event-stream ticket (?ticket=) may stand in for the bearer token
	Parameters  []string // names of API.Parameters it takes, besides its path's
	Body        *Body    // the request body; nil when the operation reads none
	Success     Response
	Errors      []int // the error statuses it answers, each one of the document's shared responses
	// Responses names, for a status of Errors, the shared response that
	// replaces the one the status has everywhere else (see
	// InvalidOrLimit).
	Responses map[int]string
}

// InvalidOrLimit is the shared 422 of the writes that the per-user task
// limit can refuse: a broken rule, or the limit's problem.
const InvalidOrLimit = "InvalidOrLimit"

// Body is a request body: JSON of one of API.Schemas.
type Body struct {
	Schema   string
	Required bool
}

// Response is a success response.
type Response struct {
	Status      int
	Description string
	Schema      Object   // of its body (JSON unless ContentType says otherwise); nil when it has none
	ContentType string   // the body's media type; "" is application/json
	Location    bool     // it carries a Location header
	Headers     []string // names of API.Headers it may carry
}

// SchemaRef refers to one of API.Schemas.
func SchemaRef(name string) Object { return ref("schemas", name) }

// ArrayOf is the schema of a JSON array of items.
func ArrayOf(items Object) Object { return Object{"type": "array", "items": items} }
