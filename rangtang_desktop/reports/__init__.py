"""Reports: every PDF (reportlab), fonts, Tibetan shaping and line breaking, and the register
spreadsheets of the upload package (openpyxl). No Qt. (Built by the printing issue.)"""
