package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/core/task"
)

// Reading a body into a patch: each writable member of taskFields, under
// its own name or one of its aliases. The JSON type is ours to check (a
// 400 naming the member as sent); whether a value of the right type is
// allowed is the core's rule (its 422).

// alias is another name a body may give a member, as frontends written for
// other backends send it.
type alias struct {
	name string
	// decode reads the alias into the patch; nil means the member's own.
	decode func(raw json.RawMessage, p task.Patch) (task.Patch, bool)
	// want names the JSON type decode takes; "" means the member's.
	want string
	// agree reports whether the alias's value says what the value sent
	// under an earlier name of the member says, or the error of a value
	// that breaks a rule. Nil means the two must be the same JSON value.
	agree func(first, raw json.RawMessage) (bool, error)
	// schema describes the alias in the create and update bodies.
	schema obj
}

// badType is a member whose value has the wrong JSON type: a 400.
type badType struct{ name, want string }

func (e *badType) Error() string { return `The field "` + e.name + `" must be ` + e.want + "." }

// member returns the decode of one field of a patch: a null is a present
// null, a value of type T is set, anything else is the wrong JSON type.
// Whether a null or a value is allowed is the core's rule, not ours.
func member[T any](set func(task.Patch, task.Field[T]) task.Patch) func(json.RawMessage, task.Patch) (task.Patch, bool) {
	return func(raw json.RawMessage, p task.Patch) (task.Patch, bool) {
		if string(raw) == "null" {
			return set(p, task.Null[T]()), true
		}
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return p, false
		}
		return set(p, task.Set(v)), true
	}
}

// decodeTags reads "tags": null, or an array of strings. encoding/json
// would read a null item as "", which the core would call an empty tag;
// it is the wrong JSON type.
func decodeTags(raw json.RawMessage, p task.Patch) (task.Patch, bool) {
	if string(raw) == "null" {
		p.Tags = task.Null[[]string]()
		return p, true
	}
	var items []*string
	if err := json.Unmarshal(raw, &items); err != nil {
		return p, false
	}
	tags := make([]string, len(items))
	for i, s := range items {
		if s == nil {
			return p, false
		}
		tags[i] = *s
	}
	p.Tags = task.Set(tags)
	return p, true
}

// sentAs maps a member to the alias a body sent it under, so that a 422
// names the field as the client wrote it. Nil when no alias was used.
type sentAs map[string]string

// rename returns err with its field errors named as the body named them.
func (s sentAs) rename(err error) error {
	fields := apperr.FieldsOf(err)
	if len(s) == 0 || len(fields) == 0 || apperr.CodeOf(err) != apperr.EINVALID {
		return err
	}
	renamed := make([]apperr.FieldError, len(fields))
	for i, f := range fields {
		if as, ok := s[f.Field]; ok {
			f.Field = as
		}
		renamed[i] = f
	}
	return apperr.Invalid(renamed...)
}

// decodePatch reads the writable members of a task; read-only and unknown
// members are ignored. On false a 400 (a value of the wrong JSON type) or
// a 422 (a member sent under two names with different values) has been
// written. The 400 comes first, as it would without the second name.
func decodePatch(c *gin.Context, m map[string]json.RawMessage) (task.Patch, sentAs, bool) {
	var p task.Patch
	var as sentAs
	var disagree []apperr.FieldError
	for i := range taskFields {
		f := &taskFields[i]
		if f.decode == nil {
			continue
		}
		var name string
		var err error
		if p, name, err = readMember(m, f, p); err != nil {
			if bad := (*badType)(nil); errors.As(err, &bad) {
				badRequest(c, bad.Error())
				return p, nil, false
			}
			disagree = append(disagree, apperr.FieldsOf(err)...)
		}
		if name != "" && name != f.name {
			if as == nil {
				as = sentAs{}
			}
			as[f.name] = name
		}
	}
	if len(disagree) > 0 {
		writeProblem(c, http.StatusUnprocessableEntity, fieldsDetail(disagree), disagree)
		return p, nil, false
	}
	return p, as, true
}

// decodeMember returns p with one member of the body in it, when it is
// there. On false the 400 or 422 has been written.
func decodeMember(c *gin.Context, m map[string]json.RawMessage, f *wireField, p task.Patch) (task.Patch, bool) {
	p, _, err := readMember(m, f, p)
	if err == nil {
		return p, true
	}
	if bad := (*badType)(nil); errors.As(err, &bad) {
		badRequest(c, bad.Error())
	} else {
		fields := apperr.FieldsOf(err)
		writeProblem(c, http.StatusUnprocessableEntity, fieldsDetail(fields), fields)
	}
	return p, false
}

// readMember reads a member under its name and each alias the body uses,
// and returns the first name used. Several names must agree; the value
// read last stands in the patch, which is the same value or one that the
// core reads only without the member (recurrence_rule).
func readMember(m map[string]json.RawMessage, f *wireField, p task.Patch) (task.Patch, string, error) {
	var first json.RawMessage
	var firstName string
	for i := -1; i < len(f.aliases); i++ {
		name, decode, want, agree := f.name, f.decode, f.want, sameJSON
		if i >= 0 {
			a := &f.aliases[i]
			name = a.name
			if a.decode != nil {
				decode = a.decode
			}
			if a.want != "" {
				want = a.want
			}
			if a.agree != nil {
				agree = a.agree
			}
		}
		raw, present := m[name]
		if !present {
			continue
		}
		var ok bool
		if p, ok = decode(raw, p); !ok {
			return p, name, &badType{name: name, want: want}
		}
		if firstName == "" {
			first, firstName = raw, name
			continue
		}
		same, err := agree(first, raw)
		if err != nil {
			return p, firstName, err
		}
		if !same {
			return p, firstName, apperr.Invalid(apperr.FieldError{Field: firstName,
				Message: `was also sent as "` + name + `" with another value; send one of them`})
		}
	}
	return p, firstName, nil
}

// sameJSON reports whether two JSON values are equal: the same bytes, or
// the same value written differently ("a" and "\u0061").
func sameJSON(a, b json.RawMessage) (bool, error) {
	if bytes.Equal(a, b) {
		return true, nil
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false, nil
	}
	return reflect.DeepEqual(x, y), nil
}

// sameRecurrence reports whether recurrence_rule names the recurrence
// that recurrence (or recurrence_pattern) names, reading both as the core
// does; null means "none". A rule the core refuses is its error; a
// recurrence it refuses is left for the core to name, as without the rule.
func sameRecurrence(first, rule json.RawMessage) (bool, error) {
	var want, got task.Recurrence
	if s, ok := jsonString(first); ok {
		r, err := task.ParseRecurrence(s)
		if err != nil {
			return true, nil
		}
		want = r
	}
	if s, ok := jsonString(rule); ok {
		r, err := task.ParseRRule(s)
		if err != nil {
			return false, err
		}
		got = r
	}
	return want == got, nil
}

// jsonString returns the string a JSON value holds; false for null.
func jsonString(raw json.RawMessage) (string, bool) {
	var s *string
	if json.Unmarshal(raw, &s) != nil || s == nil {
		return "", false
	}
	return *s, true
}
