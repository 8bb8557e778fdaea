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
type Patch struct {
	Title       Field[string]
	Description Field[string]
	Completed   Field[bool]
}

// IsEmpty reports whether the patch names no field.
func (p Patch) IsEmpty() bool {
	return !p.Title.Present && !p.Description.Present && !p.Completed.Present
}
