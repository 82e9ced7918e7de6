package sandbox

import (
	"strings"
	"testing"
)

func TestWorldVolumesAreChecked(t *testing.T) {
	_, err := ParseWorld([]byte("regions:\n  eu-west-1:\n    instances:\n      - {volumes: [{size: 10, type: gp9}, {type: gp3}]}\n"), "w.yaml")
	if err == nil || !strings.Contains(err.Error(), `w.yaml:4:`) || !strings.Contains(err.Error(), `not "gp9"`) ||
		!strings.Contains(err.Error(), "needs a size") {
		t.Fatalf("bad volumes: %v", err)
	}
}

func TestGetProductsOnlyKnowsItsProducts(t *testing.T) {
	in := getProductsInput{ServiceCode: "AmazonEC2"}
	in.Filters = append(in.Filters, struct{ Type, Field, Value string }{"TERM_MATCH", "instanceType", "m5.large"},
		struct{ Type, Field, Value string }{"TERM_MATCH", "regionCode", "eu-west-1"},
		struct{ Type, Field, Value string }{"TERM_MATCH", "operatingSystem", "Windows"})
	out, err := getProducts(in)
	if err != nil || len(out.(*getProductsOutput).PriceList) != 0 {
		t.Fatalf("Windows m5.large: %+v, %v; want no product (the table is Linux only)", out, err)
	}
	in.Filters[2].Value = "Linux"
	out, err = getProducts(in)
	if err != nil || len(out.(*getProductsOutput).PriceList) != 1 || !strings.Contains(out.(*getProductsOutput).PriceList[0], `"USD":"0.1070000000"`) {
		t.Fatalf("Linux m5.large: %+v, %v", out, err)
	}
}
