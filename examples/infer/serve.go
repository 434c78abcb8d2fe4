package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/tender-market/tender/examples/internal/mlp"
)

// Limits of the prediction service: what one request may carry.
const (
	maxRequestBytes  = 1 << 20
	maxRequestInputs = 10_000
)

// PredictRequest is the body of POST /predict.
type PredictRequest struct {
	Inputs [][]float64 `json:"inputs"`
}

// PredictResponse answers it, one prediction per input, in order.
type PredictResponse struct {
	Predictions []Prediction `json:"predictions"`
}

// service answers predictions from model over HTTP: POST /predict with
// {"inputs": [[x, y], ...]}, and GET /healthz.
func service(model *mlp.Model) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "ok: a %d-input, %d-hidden-unit model\n", model.Inputs, model.Hidden)
	})
	mux.HandleFunc("POST /predict", func(w http.ResponseWriter, r *http.Request) {
		var req PredictRequest
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBytes))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				http.Error(w, fmt.Sprintf("request over %d bytes", maxRequestBytes), http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, `want {"inputs": [[x, y], ...]}: `+err.Error(), http.StatusBadRequest)
			return
		}
		if _, err := dec.Token(); err != io.EOF {
			http.Error(w, "trailing data after the request", http.StatusBadRequest)
			return
		}
		if n := len(req.Inputs); n == 0 || n > maxRequestInputs {
			http.Error(w, fmt.Sprintf("%d inputs: want 1 to %d", n, maxRequestInputs), http.StatusBadRequest)
			return
		}
		resp := PredictResponse{Predictions: make([]Prediction, len(req.Inputs))}
		for i, x := range req.Inputs {
			if len(x) != model.Inputs {
				http.Error(w, fmt.Sprintf("input %d has %d values, the model takes %d", i, len(x), model.Inputs), http.StatusBadRequest)
				return
			}
			p := model.Predict(x)
			label := 0
			if p >= 0.5 {
				label = 1
			}
			resp.Predictions[i] = Prediction{X: x, Probability: p, Label: label}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	})
	return mux
}

// serve answers predictions on addr until ctx is done, then stops within
// a few seconds, letting requests in flight finish. ready, when set, hears
// the address it listens on.
func serve(ctx context.Context, addr string, model *mlp.Model, stdout io.Writer, ready func(net.Addr)) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           service(model),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	fmt.Fprintf(stdout, "serving predictions on %s: POST /predict, GET /healthz\n", l.Addr())
	if ready != nil {
		ready(l.Addr())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(stop); err != nil {
		return fmt.Errorf("stop serving: %w", err)
	}
	fmt.Fprintln(stdout, "stopped serving")
	return nil
}
