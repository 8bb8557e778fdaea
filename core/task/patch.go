package task

// Field is one field of a patch: absent, present and null, or present with a
// value. JSON bodies need all three: a missing "description" leaves it alone,
// "description": null clears it.
type Field[T any] struct {
	Present bool
	Null    bool
	Value   T
}

// Set returns a present field holding v.
func Set[T any](v T) Field[T] { return Field[T]{Present: true, Value: v} }

// Null returns a present field holding null.
func Null[T any]() Field[T] { return Field[T]{Present: true, Null: true} }

// Patch is a partial update: only present fields change (merge semantics).
// A null title or completed is invalid; a null description clears it.
//
// The plan fields carry what the caller sent, unparsed: parsing them is a
// rule of the core (see Plan). A null priority, tags or recurrence means the
// default; a null due date or reminder clears it.
type Patch struct {
	Title       Field[string]
	Description Field[string]
	Completed   Field[bool]

	Priority       Field[string]
	Tags           Field[[]string]
	Due            Field[string]
	RemindAt       Field[string]
	Recurrence     Field[string]
	RecurrenceRule Field[string] // an RRULE with only FREQ; used when Recurrence is absent
}
