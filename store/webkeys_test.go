package store_test

import (
	"bytes"
	"context"
	"testing"

	"incidentbot/internal/storetest"
	"incidentbot/store"
)

func TestSigningKeyIsStoredOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first := bytes.Repeat([]byte{1}, 32)
		got, err := db.SigningKey(ctx, "session", first)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, first) {
			t.Fatalf("first call: %x, want the fresh key %x", got, first)
		}
		// Another process with its own fresh key gets the stored one.
		got, err = db.SigningKey(ctx, "session", bytes.Repeat([]byte{2}, 32))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, first) {
			t.Errorf("second call: %x, want the stored %x", got, first)
		}
		other, err := db.SigningKey(ctx, "other", bytes.Repeat([]byte{3}, 32))
		if err != nil || other[0] != 3 {
			t.Errorf("another name: %x, %v; want its own key", other, err)
		}
	})
}
