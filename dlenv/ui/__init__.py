"""Streamlit helpers for the dashboard pages (with app.py and pages/, the only code that imports streamlit)."""
