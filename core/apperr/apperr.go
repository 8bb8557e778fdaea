// Package apperr defines the coded errors the domain returns and the adapters
// translate. Adapters read them back with CodeOf, MessageOf and FieldsOf, which
// use errors.As, so wrapping with %w never changes how an error is reported.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error by what the caller can do about it.
type Code string

// The codes the domain and its ports return.
const (
	EINVALID      Code = "invalid"      // the input breaks a rule; Fields says which
	ENOTFOUND     Code = "not_found"    // no such thing for this owner
	EFORBIDDEN    Code = "forbidden"    // authenticated, but acting on someone else's resources
	EUNAUTHORIZED Code = "unauthorized" // no valid credentials
	ECONFLICT     Code = "conflict"     // the write collides with existing state
	EPRECONDITION Code = "precondition" // the resource is not in the state the request requires of it
	EUNAVAILABLE  Code = "unavailable"  // a dependency (the database) cannot be reached; retry later
	ECANCELED     Code = "canceled"     // the caller gave up (a client hung up) before the answer: no failure of ours
	EGONE         Code = "gone"         // a position that is no longer (or never was) valid; start again
	ELIMIT        Code = "limit"        // the owner holds as much as a limit allows; nothing changed
	EINTERNAL     Code = "internal"     // anything else; details belong in the log only
)

// FieldError names one field of the input and what is wrong with it.
type FieldError struct {
	Field   string
	Message string
}

// Error is a coded error. Message is safe to show to the caller; Err, when
// set, is the underlying cause and is for the log only.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the underlying cause, so errors.Is sees through an Error.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error with the given code and message whose cause is err.
func Wrap(code Code, err error, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// Invalid returns an EINVALID error naming each broken field.
func Invalid(fields ...FieldError) *Error {
	msg := "The input is not valid."
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	}
	return &Error{Code: EINVALID, Message: msg, Fields: fields}
}

// CodeOf returns the code of the first Error in err's chain, "" for nil, and
// EINTERNAL for an error that carries no code.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// MessageOf returns the caller-safe message of the first Error in err's chain,
// or a generic one for an error that carries no code.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// FieldsOf returns the field errors of the first Error in err's chain.
func FieldsOf(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
