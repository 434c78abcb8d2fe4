package executor

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/moby/moby/client"
)

// imageMissing handles a create that failed because the image is not here:
// it pulls the image when Config.PullImages allows, and otherwise says how to
// provide it.
func (e *Executor) imageMissing(ctx context.Context, image string, createErr error) error {
	if !e.cfg.PullImages {
		return fmt.Errorf("image %s is %w: build it (docker build -t %s DIR) or load it (docker load -i FILE) first; pulling from a registry is turned off (%v)",
			image, ErrImageMissing, image, createErr)
	}
	if err := e.pull(ctx, image); err != nil {
		return fmt.Errorf("image %s is %w and pulling it failed: %w", image, ErrImageMissing, err)
	}
	return nil
}

// pull fetches image from its registry, logging progress per layer.
func (e *Executor) pull(ctx context.Context, image string) error {
	log := e.cfg.Logger.With(slog.String("image", image))
	log.LogAttrs(ctx, slog.LevelInfo, "pulling image")
	resp, err := e.engine.ImagePull(ctx, image, client.ImagePullOptions{})
	if err != nil {
		return err
	}
	defer resp.Close()
	status := make(map[string]string) // layer ID -> last status logged
	for msg, err := range resp.JSONMessages(ctx) {
		if err != nil {
			return err
		}
		if msg.Error != nil {
			return msg.Error
		}
		if msg.Status == "" || status[msg.ID] == msg.Status {
			continue
		}
		status[msg.ID] = msg.Status
		attrs := []slog.Attr{slog.String("layer", msg.ID), slog.String("status", msg.Status)}
		if msg.Progress != nil && msg.Progress.Total > 0 {
			attrs = append(attrs, slog.Int64("bytes", msg.Progress.Current), slog.Int64("total", msg.Progress.Total))
		}
		log.LogAttrs(ctx, slog.LevelDebug, "pull progress", attrs...)
	}
	log.LogAttrs(ctx, slog.LevelInfo, "pulled image")
	return nil
}
