package routeguide

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

//go:generate go run gen_route_guide_db.go -o route_guide_db.json

// DatabaseFile is the name of the route_guide example's map, a JSON list of
// {"location": {"latitude": E7, "longitude": E7}, "name": string} objects
// like grpc's route_guide_db.json.
const DatabaseFile = "route_guide_db.json"

// DefaultDatabasePath is the route_guide_db.json next to this package's
// source, where it was when the program was built (grpcio's example reads
// route_guide_db.json from the working directory instead). A program built
// with -trimpath, or moved away from the source, needs the path given.
func DefaultDatabasePath() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return DatabaseFile
	}
	return filepath.Join(filepath.Dir(file), DatabaseFile)
}

// ReadRouteGuideDatabase mirrors grpcio's
// route_guide_resources.read_route_guide_database: it reads the features of
// the JSON map at path, in order.
func ReadRouteGuideDatabase(path string) ([]*Feature, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var items []struct {
		Location *struct {
			Latitude  *int32 `json:"latitude"`
			Longitude *int32 `json:"longitude"`
		} `json:"location"`
		Name *string `json:"name"`
	}
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	features := make([]*Feature, len(items))
	for i, item := range items {
		if item.Name == nil || item.Location == nil || item.Location.Latitude == nil || item.Location.Longitude == nil {
			return nil, fmt.Errorf("%s: item %d lacks its name, latitude or longitude", path, i)
		}
		features[i] = &Feature{
			Name:     *item.Name,
			Location: &Point{Latitude: *item.Location.Latitude, Longitude: *item.Location.Longitude},
		}
	}
	return features, nil
}
