package httpapi

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/todoapi/todo/adapters/httpapi/apidocs"
	"github.com/todoapi/todo/core/task"
)

// What the OpenAPI document says about the task's members, quoting the
// core's names and limits.

var (
	priorities  = words(task.PriorityLow, task.PriorityUrgent)
	recurrences = words(task.RecurrenceNone, task.RecurrenceYearly)
	tagSchema   = obj{"type": "string", "minLength": 1, "maxLength": task.MaxTagLength}
)

// words lists the names of the values from first to last.
func words[T interface {
	~int8 | ~uint8
	String() string
}](first, last T) []any {
	var out []any
	for v := first; v <= last; v++ {
		out = append(out, v.String())
	}
	return out
}

func nullableText(max int, description string) obj {
	return obj{"type": []any{"string", "null"}, "maxLength": max, "description": description}
}

// anyCase is a pattern that matches exactly the words, ignoring ASCII case
// and surrounding white space, as the core reads keywords. An enum could
// not say that, and the document must accept what the server accepts.
func anyCase(prefix string, words []any) string {
	alt := make([]string, len(words))
	for i, w := range words {
		alt[i] = caseless(w.(string))
	}
	return `^\s*` + prefix + `(?:` + strings.Join(alt, "|") + `)\s*$`
}

func caseless(w string) string {
	var b strings.Builder
	for _, r := range w {
		if l, u := unicode.ToLower(r), unicode.ToUpper(r); l != u && r < unicode.MaxASCII {
			b.WriteString("[" + string(l) + string(u) + "]")
		} else {
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}

// keywordInput is a string or null that must be one of the words, in any
// case; the words are its examples.
func keywordInput(words []any, description string) obj {
	return obj{"type": []any{"string", "null"}, "pattern": anyCase("", words), "examples": words, "description": description}
}

func priorityInput(null string) obj {
	return keywordInput(append(append([]any{}, priorities...), "critical"),
		"One of "+strings.Join(strs(priorities), ", ")+", in any case; `critical` means `urgent`. "+null)
}

func tagsInput(null string) obj {
	return obj{"type": []any{"array", "null"}, "items": tagSchema,
		"description": "Each tag is trimmed, then 1 to " + strconv.Itoa(task.MaxTagLength) + " characters without control characters. " +
			"Duplicates, compared case-insensitively, collapse to the first spelling; order is kept; at most " +
			strconv.Itoa(task.MaxTags) + " remain. " + null}
}

func dueInput(null string) obj {
	return obj{"type": []any{"string", "null"}, "examples": []any{"2026-12-24", "2026-12-24T17:00:00+01:00"},
		"description": "A date (`YYYY-MM-DD`), a deadline at the end of that day in UTC, or an RFC 3339 date-time. " + null}
}

func remindInput(null string) obj {
	return obj{"type": []any{"string", "null"}, "examples": []any{"2026-12-24T09:00:00Z"},
		"description": "An RFC 3339 date-time (a date alone is a 422). " + null}
}

func recurrenceInput(null string) obj {
	return keywordInput(recurrences, "One of "+strings.Join(strs(recurrences), ", ")+", in any case. "+null)
}

// rruleInput is recurrence_rule: an RRULE with FREQ only.
func rruleInput() obj {
	return obj{"type": []any{"string", "null"}, "pattern": anyCase(`(?:`+caseless("RRULE:")+`)?`+caseless("FREQ="), []any{"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}),
		"examples": []any{"FREQ=WEEKLY", "RRULE:FREQ=DAILY"},
		"description": "The recurrence as an RFC 5545 RRULE holding `FREQ` only (`DAILY`, `WEEKLY`, `MONTHLY` or `YEARLY`), " +
			"in any case; anything more (`INTERVAL`, `BYDAY`, ...) is a 422. Null means `none`. " +
			"Sent with `recurrence` or `recurrence_pattern`, it must name the same recurrence, else 422."}
}

func strs(words []any) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = "`" + w.(string) + "`"
	}
	return out
}

// aliasOf describes an alias in a body: the member's input, under another
// name.
func aliasOf(name string, input obj) obj {
	out := obj{}
	for k, v := range input {
		out[k] = v
	}
	out["description"] = "Another name for `" + name + "`, as other backends spell it. " +
		"Sent together with `" + name + "` (or another of its names), the values must be equal, else 422. " +
		strings.TrimSpace(input["description"].(string))
	return out
}

// taskSchemas are the task's shapes for the OpenAPI document: the task as
// written, and the bodies of create, update and complete.
func taskSchemas() map[string]apidocs.Object {
	props, required, example := obj{}, []any{}, obj{}
	createProps, createRequired, updateProps := obj{}, []any{}, obj{}
	var readOnly, aliases []string
	for _, f := range taskFields {
		props[f.name], example[f.name] = f.schema, f.example
		required = append(required, f.name)
		if f.decode == nil {
			readOnly = append(readOnly, "`"+f.name+"`")
			continue
		}
		createProps[f.name], updateProps[f.name] = f.create, f.update
		if f.requiredOnCreate {
			createRequired = append(createRequired, f.name)
		}
		for _, a := range f.aliases {
			createProps[a.name], updateProps[a.name] = a.schema, a.schema
			aliases = append(aliases, "`"+a.name+"`")
		}
	}
	names := "Members may also be sent under their other names (" + strings.Join(aliases, ", ") +
		"); a member sent under two names must say the same under both, else 422."
	return map[string]apidocs.Object{
		"Task": {
			"type": "object", "additionalProperties": false,
			"required": required, "properties": props, "example": example,
		},
		"TaskCreate": {
			"type": "object", "required": createRequired, "properties": createProps,
			"description": "Read-only fields (" + strings.Join(readOnly, ", ") + ") and unknown fields are ignored. " + names,
			"example":     obj{"title": "Buy milk", "description": "Two litres", "priority": "high", "tags": []any{"home"}, "due_date": "2026-12-24"},
		},
		"TaskUpdate": {
			"type": "object", "properties": updateProps,
			"description": "Only the fields present change. Read-only and unknown fields are ignored. " + names,
			"example":     obj{"completed": true},
		},
		"TaskComplete": {
			"type": "object", "properties": obj{completedField.name: completedField.update},
			"description": "`completed` sets the flag; without it (or without a body) the flag flips.",
			"example":     obj{"completed": true},
		},
	}
}
