package task

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The messages of the text rules, which every string field of a task
// (title, description, each tag) follows after trimming.
const (
	msgInvalidUTF8      = "must be valid UTF-8"
	msgControl          = "must not contain control characters"
	msgControlMultiline = "must not contain control characters other than tab, line feed and carriage return"
	msgEmpty            = "must not be empty"
)

// textProblem returns the message of the first text rule s breaks, or "" when
// it keeps them all. s must be valid UTF-8 and hold no C0 control character
// (U+0000 to U+001F); multiline allows tab, line feed and carriage return.
// U+007F and the C1 controls are allowed: the rule is about C0 only, whose
// NUL no PostgreSQL text column can hold.
//
// JSON decoders replace invalid UTF-8 with U+FFFD, but a value can reach the
// core by other ways (a store, a command line), and a store may refuse it or
// change it, so the core refuses it itself.
func textProblem(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return msgInvalidUTF8
	}
	for i := 0; i < len(s); i++ {
		// Every byte below 0x20 is a whole rune in valid UTF-8.
		if c := s[i]; c < 0x20 {
			if multiline && (c == '\t' || c == '\n' || c == '\r') {
				continue
			}
			if multiline {
				return msgControlMultiline
			}
			return msgControl
		}
	}
	return ""
}

// atMost returns the message for a text longer than limit code points.
func atMost(limit int) string {
	return "must be at most " + strconv.Itoa(limit) + " characters"
}

// keyword returns s trimmed and with ASCII letters in lower case, for
// matching the case-insensitive keywords of the API (priorities,
// recurrences, listing parameters). Only ASCII folds: "\u212Aelvin" (with a
// Kelvin sign) must not match a keyword the way strings.EqualFold would.
func keyword(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.Map(lowerASCII, s)
		}
	}
	return s
}

func lowerASCII(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + ('a' - 'A')
	}
	return r
}
