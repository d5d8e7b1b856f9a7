package deliver_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/deliver"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
)

// BenchmarkDeliveries sends b.N webhook calls, written by b.N
// submissions to a real SQLite ledger, to a receiver on loopback that
// answers 204 at once, and reports deliveries per second: each is
// claimed, its body frozen, sent, and its outcome recorded.
func BenchmarkDeliveries(b *testing.B) {
	for _, batch := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) { benchDeliveries(b, batch) })
	}
}

func benchDeliveries(b *testing.B, batch int) {
	ctx := context.Background()
	l, err := ledger.Open(ctx, filepath.Join(b.TempDir(), "ledger.db"),
		ledger.WithQuotas(instruct.Quotas{OpenDrafts: 1 << 30, Bytes: 1 << 40, CreationsPerHour: 1 << 30}))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer srv.Close()
	if _, _, err := l.AddWebhook(ctx, "api_particulier", srv.URL, []instruct.Kind{instruct.KindSubmit}); err != nil {
		b.Fatal(err)
	}
	for i := range b.N {
		submitOn(b, l, fmt.Sprintf("Demande %d", i))
	}
	w := deliver.New(deliver.Config{Store: l, Batch: batch, Timeout: 10 * time.Second})
	b.ResetTimer()
	start, sent := time.Now(), 0
	for sent < b.N {
		n, err := w.RunOnce(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			b.Fatalf("%d deliveries sent, none left due; want %d", sent, b.N)
		}
		sent += n
	}
	b.ReportMetric(float64(sent)/time.Since(start).Seconds(), "deliveries/s")
}
