"""Demo practices for trying PractiPal: a small one and a large one for insights and benchmarks."""
