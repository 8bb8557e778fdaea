package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/url"
	"strconv"
	"testing"
)

// The DB ceiling is only a ceiling if it issues what the repository
// issues. The repository keeps its statements and SQLite settings
// unexported, so these tests read them from its source.

func TestStatementsMatchRepository(t *testing.T) {
	consts := stringConsts(t, "../../adapters/sqlstore/statements.go")
	for name, ours := range map[string]string{
		"getSQL": getSQL, "listSQL": listSQL, "insertSQL": insertSQL, "swapSQL": swapSQL,
	} {
		if theirs, ok := consts[name]; !ok {
			t.Errorf("adapters/sqlstore/statements.go has no constant %s", name)
		} else if theirs != ours {
			t.Errorf("%s differs from the repository's:\n ours:   %s\n theirs: %s", name, ours, theirs)
		}
	}
}

func TestSQLiteSettingsMatchRepository(t *testing.T) {
	theirs := sqliteDefaults(t, "../../adapters/sqlstore/db.go")
	ours, err := url.ParseQuery(sqliteParams)
	if err != nil {
		t.Fatal(err)
	}
	if theirs.Encode() != ours.Encode() {
		t.Errorf("sqliteParams = %s; the repository's sqliteDefaults = %s", ours.Encode(), theirs.Encode())
	}
}

func parseFile(t *testing.T, path string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// stringConsts evaluates a file's string constants made of literals, other
// constants and +.
func stringConsts(t *testing.T, path string) map[string]string {
	t.Helper()
	consts := map[string]string{}
	var eval func(ast.Expr) string
	eval = func(e ast.Expr) string {
		switch e := e.(type) {
		case *ast.BasicLit:
			s, err := strconv.Unquote(e.Value)
			if err != nil {
				t.Fatal(err)
			}
			return s
		case *ast.Ident:
			return consts[e.Name]
		case *ast.BinaryExpr:
			return eval(e.X) + eval(e.Y)
		case *ast.ParenExpr:
			return eval(e.X)
		}
		return ""
	}
	for _, d := range parseFile(t, path).Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					consts[n.Name] = eval(vs.Values[i])
				}
			}
		}
	}
	return consts
}

// sqliteDefaults reads the url.Values literal named sqliteDefaults.
func sqliteDefaults(t *testing.T, path string) url.Values {
	t.Helper()
	v := url.Values{}
	ast.Inspect(parseFile(t, path), func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "sqliteDefaults" {
			return true
		}
		for _, el := range vs.Values[0].(*ast.CompositeLit).Elts {
			kv := el.(*ast.KeyValueExpr)
			k, _ := strconv.Unquote(kv.Key.(*ast.BasicLit).Value)
			for _, x := range kv.Value.(*ast.CompositeLit).Elts {
				s, _ := strconv.Unquote(x.(*ast.BasicLit).Value)
				v.Add(k, s)
			}
		}
		return false
	})
	if len(v) == 0 {
		t.Fatalf("no sqliteDefaults in %s", path)
	}
	return v
}
