package values

// Error is a value that could not be read. Error() is Msg alone: the caller
// prefixes the position of the cell and may print Hint after it.
type Error struct {
	// Value is the cell text as stored (for a number cell, the digits the
	// file wrote).
	Value string
	// Msg says what is wrong, quoting the value.
	Msg string
	// Hint says what would fix it.
	Hint string
}

func (e *Error) Error() string { return e.Msg }

func newError(value, msg, hint string) *Error {
	return &Error{Value: value, Msg: msg, Hint: hint}
}
