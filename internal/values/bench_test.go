package values

import (
	"testing"

	"github.com/kiva-partners/kivaconv/internal/input"
)

func BenchmarkDecimalNumber(b *testing.B) {
	c := num("84.849999999999994")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decimal(c, Locale{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecimalNumberInt(b *testing.B) {
	c := num("1500")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decimal(c, Locale{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecimalText(b *testing.B) {
	c := text("1,234,567.89")
	loc := Locale{Decimal: '.', Thousands: ","}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decimal(c, loc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecimalTextFrench(b *testing.B) {
	c := text("1\u00a0234\u00a0567,89")
	loc := Locale{Decimal: ',', Thousands: " "}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decimal(c, loc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecimalTextLong(b *testing.B) {
	c := text("12345678901234567890.123456789")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decimal(c, Locale{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKey(b *testing.B) {
	for _, s := range []string{"loanid", "Loan ID", "N° Prêt", "Numéro du client (CIN)"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Key(s)
			}
		})
	}
}

func BenchmarkDateText(b *testing.B) {
	fs := formats(b, "DD/MM/YYYY")
	c := text("05/01/2024")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Date(c, fs, false); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDateSerial(b *testing.B) {
	c := input.Cell{Type: input.Number, Text: "45296", Format: "dd/mm/yyyy"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Date(c, nil, false); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEnum(b *testing.B) {
	values := map[string]string{"Femme": "female", "F": "female", "Homme": "male", "M": "male"}
	allowed := []string{"female", "male", "nonbinary"}
	c := text("Femme")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Enum(c, values, allowed); err != nil {
			b.Fatal(err)
		}
	}
}
