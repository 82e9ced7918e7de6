package creds

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestCredentialProcessJSON(t *testing.T) {
	exp := time.Date(2025, 3, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	got, err := CredentialProcessJSON(Credentials{AccessKeyID: "ASIAX", SecretAccessKey: "sek", SessionToken: "tok", Expiration: exp})
	want := `{"Version":1,"AccessKeyId":"ASIAX","SecretAccessKey":"sek","SessionToken":"tok","Expiration":"2025-03-01T09:00:00Z"}`
	if err != nil || string(got) != want {
		t.Fatalf("got %s, %v\nwant %s", got, err, want)
	}
	got, _ = CredentialProcessJSON(Credentials{AccessKeyID: "AKIAX", SecretAccessKey: "sek"})
	if want := `{"Version":1,"AccessKeyId":"AKIAX","SecretAccessKey":"sek"}`; string(got) != want {
		t.Fatalf("long-term keys: %s, want %s", got, want)
	}
	if _, err := CredentialProcessJSON(Credentials{AccessKeyID: "AKIAX"}); err == nil {
		t.Fatal("accepted credentials without a secret")
	}
}

func TestProviderForSDK(t *testing.T) {
	h := newHarness(t, mfaProfile())
	cache := aws.NewCredentialsCache(h.sessions().Provider("work"))
	got, err := cache.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessKeyID == "" || got.AccessKeyID == testKeyID || got.SessionToken != testSession || !got.CanExpire ||
		!got.Expires.Equal(t0.Add(time.Hour)) || got.Source != ProviderSource {
		t.Fatalf("Retrieve = %+v", got)
	}
	plain := sample("plain")
	plain.MFASerial = ""
	if err := h.store.Add(plain); err != nil {
		t.Fatal(err)
	}
	got, err = h.sessions().Provider("plain").Retrieve(context.Background())
	if err != nil || got.AccessKeyID != testKeyID || got.SecretAccessKey != testSecret || got.CanExpire {
		t.Fatalf("long-term Retrieve = %+v, %v", got, err)
	}
	_, err = h.sessions().Provider("nobody").Retrieve(context.Background())
	if !errors.Is(err, ErrProfileNotFound) || !strings.Contains(err.Error(), "nobody") {
		t.Fatalf("unknown profile: %v", err)
	}
}
