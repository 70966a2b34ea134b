module weft.dev/bench/gotrace

go 1.19
