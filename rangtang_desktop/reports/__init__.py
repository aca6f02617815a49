"""Reports: every PDF (reportlab), fonts, Tibetan shaping and line breaking. No Qt. (Built by the
printing issue.)"""
