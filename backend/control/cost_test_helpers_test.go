package control

import (
	"testing"

	"cloudcontrol/backend/cost"
)

func bookFor(t *testing.T) *cost.Book {
	t.Helper()
	b, err := cost.Default("")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
