//go:build ignore

// gen_route_guide_db writes route_guide_db.json, the route_guide example's
// map: 100 invented features on a 10 by 10 grid (latitudes 38 to 42.5
// degrees, longitudes -77 to -72.5, half a degree apart), a few of them
// nameless as places where nothing is known. The output is the same on
// every run; route_guide_test.go checks that the checked-in file is it.
//
// Usage (from this directory; go generate runs it):
//
//	go run gen_route_guide_db.go [-o route_guide_db.json]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
)

// The grid: row i, column j is at latitude baseLat+i*step, longitude
// baseLon+j*step, in degrees times 10^7.
const (
	baseLat = 380000000
	baseLon = -770000000
	step    = 5000000
	rows    = 10
	columns = 10
)

// Names are made of a word for the row, one for the column and a kind.
var (
	rowWords    = [rows]string{"Amber", "Birch", "Cedar", "Drover's", "Eastgate", "Fallow", "Granite", "Heron", "Ironwood", "Juniper"}
	columnWords = [columns]string{"Hollow", "Ridge", "Crossing", "Meadow", "Landing", "Bluff", "Spring", "Orchard", "Quarry", "Marsh"}
	kinds       = []string{"Trailhead", "Lookout", "Picnic Area", "Footbridge", "Old Mill", "Campground", "Boat Launch"}
)

// location and feature give the JSON the shape of grpc's route_guide_db.json.
type location struct {
	Latitude  int32 `json:"latitude"`
	Longitude int32 `json:"longitude"`
}

type feature struct {
	Location location `json:"location"`
	Name     string   `json:"name"`
}

func main() {
	out := flag.String("o", "route_guide_db.json", "the file to write")
	flag.Parse()
	var features []feature
	for i := range rows {
		for j := range columns {
			name := fmt.Sprintf("%s %s %s", rowWords[i], columnWords[j], kinds[(3*i+j)%len(kinds)])
			if (columns*i+j)%9 == 4 {
				name = "" // nothing known here
			}
			features = append(features, feature{
				Location: location{Latitude: int32(baseLat + i*step), Longitude: int32(baseLon + j*step)},
				Name:     name,
			})
		}
	}
	b, err := json.MarshalIndent(features, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}
